package dev.corral.faults.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A bridge in the root namespace and one network namespace per server, each with a veth on the bridge:
 * servers at 10.77.x.1..n, the root namespace (the campaign's clients) at 10.77.x.254. Names carry a per-run prefix
 * (e.g. {@code crl4711}) so two runs never clash; {@link #close} removes everything it made.
 *
 * <p>Partitions are iptables DROP rules in the INPUT chain of the receiving member's namespace, matching only the
 * other servers' addresses: the clients at .254 keep reaching every member (as in Jepsen, where the network between
 * servers is cut, and a client talking to a cut-off member sees it stop answering writes).
 */
public final class Network implements AutoCloseable {
    private final String prefix;
    private final int subnet;
    private final int size;
    private final List<String> made = new ArrayList<>();

    public Network(String prefix, int size) {
        this.prefix = prefix;
        this.size = size;
        this.subnet = freeSubnet(prefix);
    }

    /** A third octet not already on an interface of this machine (a second concurrent run picks another). */
    private static int freeSubnet(String prefix) {
        String addrs = Sh.tryRun("ip", "-o", "-4", "addr").output();
        int start = Math.floorMod(prefix.hashCode(), 200) + 20;
        for (int i = 0; i < 230; i++) {
            int x = (start + i) % 250 + 1;
            if (!addrs.contains("10.77." + x + ".")) {
                return x;
            }
        }
        throw new IllegalStateException("no free 10.77.x.0/24 subnet");
    }

    public String bridge() {
        return prefix;
    }

    public String namespace(int id) {
        return prefix + "n" + id;
    }

    public String address(int id) {
        return "10.77." + subnet + "." + id;
    }

    public String hostAddress() {
        return address(254);
    }

    public void create() {
        Sh.run("ip", "link", "add", prefix, "type", "bridge");
        made.add("bridge");
        Sh.run("ip", "addr", "add", hostAddress() + "/24", "dev", prefix);
        Sh.run("ip", "link", "set", prefix, "up");
        for (int id = 1; id <= size; id++) {
            String ns = namespace(id);
            String veth = prefix + "v" + id;
            Sh.run("ip", "netns", "add", ns);
            made.add(ns);
            Sh.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Sh.run("ip", "link", "set", veth, "master", prefix, "up");
            Sh.run("ip", "netns", "exec", ns, "ip", "addr", "add", address(id) + "/24", "dev", "eth0");
            Sh.run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            Sh.run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
    }

    /** {@code receiver} no longer hears {@code sender} (packets from it are dropped on arrival). */
    public void drop(int sender, int receiver) {
        Sh.run("ip", "netns", "exec", namespace(receiver), "iptables", "-A", "INPUT", "-s", address(sender), "-j",
                "DROP");
    }

    /** Removes every partition rule. */
    public void heal() {
        for (int id = 1; id <= size; id++) {
            Sh.run("ip", "netns", "exec", namespace(id), "iptables", "-F", "INPUT");
        }
    }

    @Override
    public void close() {
        for (int id = 1; id <= size; id++) {
            Sh.tryRun("ip", "netns", "del", namespace(id));
            Sh.tryRun("ip", "link", "del", prefix + "v" + id);
        }
        Sh.tryRun("ip", "link", "del", prefix);
    }
}
