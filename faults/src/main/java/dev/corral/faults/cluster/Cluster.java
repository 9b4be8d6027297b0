package dev.corral.faults.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The ensemble under test: its members, the network between them, and waiting for it to serve. */
public final class Cluster implements AutoCloseable {
    private final Network net;
    private final List<Node> nodes = new ArrayList<>();
    private final ServerKind kind;

    /**
     * {@code observed}: members run with native memory tracking and (Corral) /metrics, for the live-set sampler.
     * {@code extraCfg}: zoo.cfg lines every member gets besides the campaign's own.
     */
    public Cluster(Network net, Path dir, int size, ServerKind kind, ServerKind.Jars jars, int tickTime,
            boolean observed, List<String> extraCfg) {
        this(net, dir, size, 0, kind, jars, tickTime, observed, extraCfg);
    }

    /** As above with {@code observers} observers after the {@code voters} voters (ids voters+1 and up). */
    public Cluster(Network net, Path dir, int voters, int observers, ServerKind kind, ServerKind.Jars jars,
            int tickTime, boolean observed, List<String> extraCfg) {
        this.net = net;
        this.kind = kind;
        for (int id = 1; id <= voters + observers; id++) {
            Node n = new Node(id, net, dir.resolve("n" + id), kind, jars, observed);
            try {
                n.configure(voters, observers, tickTime, 0, extraCfg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            nodes.add(n);
        }
    }

    public ServerKind kind() {
        return kind;
    }

    public Network network() {
        return net;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public Node node(int id) {
        return nodes.get(id - 1);
    }

    public int size() {
        return nodes.size();
    }

    public void startAll() {
        nodes.forEach(Node::start);
    }

    /** Every member's client address: each client's connect string names them all. */
    public List<String> clientAddresses() {
        return nodes.stream().map(Node::clientAddress).collect(Collectors.toList());
    }

    /** The member whose srvr says "Mode: leader" (the first found), if any. */
    public Optional<Node> leader() {
        return nodes.stream().filter(n -> n.alive() && !n.paused() && "leader".equals(n.mode())).findFirst();
    }

    /**
     * Waits until every member serves (leader, follower or observer) and there is one leader; false after
     * {@code timeout}.
     * Members that exited are not restarted here (the caller decides), so they make this time out.
     */
    public boolean awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int leaders = 0;
            int serving = 0;
            for (Node n : nodes) {
                String m = n.mode();
                if (m.equals("leader")) {
                    leaders++;
                }
                if (m.equals("leader") || m.equals("follower") || m.equals("observer")) {
                    serving++;
                }
            }
            if (leaders == 1 && serving == nodes.size()) {
                return true;
            }
            sleep(300);
        }
        return false;
    }

    /** Each member's mode, for reports: "n1=follower n2=leader n3=". */
    public String modes() {
        return nodes.stream().map(n -> n + "=" + n.mode()).collect(Collectors.joining(" "));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        nodes.forEach(Node::kill);
    }
}
