package dev.corral.faults.hosts;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import dev.corral.faults.cluster.ServerKind;
import dev.corral.faults.cluster.Sh;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.zookeeper.CreateMode;

/**
 * Ordinary operation of an ensemble whose members are on separate hosts (issue 18): three voters and an observer,
 * each in its own network namespace with its own address for the client, quorum and election ports, and stock Java
 * clients in the root namespace reaching every member over the bridge. Each step prints "ok" or "FAIL" and why;
 * the same steps run against Apache ZooKeeper 3.9.5 (leadership transfer excepted: ZooKeeper has no rqld/ydld).
 */
final class HostsCheck {
    static final int VOTERS = 3;
    static final int OBSERVERS = 1;
    private static final int SESSION_MS = 15_000;
    private static final Duration WATCH_WAIT = Duration.ofSeconds(10);

    private final Cluster cluster;
    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();
    private final Map<Integer, MemberSession> sessions = new TreeMap<>();

    HostsCheck(Cluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    /** Runs every step; the names of the steps that failed (empty when all passed). */
    List<String> run() throws Exception {
        long t0 = System.nanoTime();
        cluster.startAll();
        if (!cluster.awaitServing(Duration.ofSeconds(60))) {
            fail("start", "the ensemble did not serve within 60 s: " + cluster.modes());
            return failures;
        }
        pass("start", "serving after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + cluster.modes());
        try {
            roles("roles");
            addresses();
            for (Node n : cluster.nodes()) {
                sessions.put(n.id(), new MemberSession(n, SESSION_MS));
            }
            clientsOverBridge();
            writesThroughEveryMember("writes", "/hosts/via-");
            observerReadsAndWatches();
            if (cluster.kind() == ServerKind.ZOOKEEPER) {
                out.println("skip  transfer: ZooKeeper has no rqld/ydld");
            } else {
                transfer();
            }
            killAndRestart();
            roles("roles at the end");
        } finally {
            for (MemberSession s : sessions.values()) {
                s.close();
            }
        }
        return failures;
    }

    // ------------------------------------------------------------------------------------------------ the steps

    /**
     * srvr's Mode and mntr's zk_server_state on every member: one leader among the voters, the others followers, the
     * observer an observer; the leader counts two synced followers and one synced observer. Polled for 15 s, since
     * a member that just (re)joined is reported by the leader a moment later.
     */
    private void roles(String step) {
        String last = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            last = rolesProblem();
            if (last.isEmpty()) {
                pass(step, cluster.modes());
                return;
            }
            sleep(300);
        }
        fail(step, last);
    }

    private String rolesProblem() {
        int leaders = 0;
        for (Node n : cluster.nodes()) {
            String mode = n.mode();
            String state = mntr(n, "zk_server_state");
            boolean voter = n.id() <= VOTERS;
            if (voter ? !mode.equals("leader") && !mode.equals("follower") : !mode.equals("observer")) {
                return n + " srvr Mode '" + mode + "' (" + (voter ? "a voter" : "an observer") + ")";
            }
            if (!state.equals(mode)) {
                return n + " mntr zk_server_state '" + state + "' but srvr Mode '" + mode + "'";
            }
            if (mode.equals("leader")) {
                leaders++;
                String followers = mntr(n, "zk_synced_followers");
                String observers = mntr(n, "zk_synced_observers");
                if (!followers.equals(Integer.toString(VOTERS - 1)) || !observers.equals(Integer.toString(OBSERVERS))) {
                    return "leader " + n + " mntr zk_synced_followers=" + followers + " zk_synced_observers="
                            + observers + " (expected " + (VOTERS - 1) + " and " + OBSERVERS + ")";
                }
            }
        }
        return leaders == 1 ? "" : leaders + " leaders: " + cluster.modes();
    }

    /**
     * Each member listens on its own address only: from inside its namespace, its client port and its quorum or
     * election port accept on that address, and nothing of it accepts on 127.0.0.1 (no loopback hard-coded).
     */
    private void addresses() {
        List<String> problems = new ArrayList<>();
        for (Node n : cluster.nodes()) {
            String ns = cluster.network().namespace(n.id());
            if (!accepts(ns, n.address(), Node.CLIENT_PORT)) {
                problems.add(n + " does not accept on its own address " + n.clientAddress());
            }
            if (!accepts(ns, n.address(), 2888) && !accepts(ns, n.address(), 3888)) {
                problems.add(n + " accepts on neither its quorum nor its election port at " + n.address());
            }
            for (int port : new int[] {Node.CLIENT_PORT, 2888, 3888}) {
                if (accepts(ns, "127.0.0.1", port)) {
                    problems.add(n + " accepts on 127.0.0.1:" + port + " in its namespace");
                }
            }
        }
        check("addresses", problems, "every member on its own address only; none on loopback");
    }

    /** Every member's cons lists a client from the root namespace's bridge address: they came over the bridge. */
    private void clientsOverBridge() {
        String from = "/" + cluster.network().hostAddress() + ":";
        List<String> problems = new ArrayList<>();
        for (Node n : cluster.nodes()) {
            if (!n.word("cons").contains(from)) {
                problems.add(n + " cons lists no client from " + from);
            }
        }
        check("clients over the bridge", problems, "a session on every member from " + from);
    }

    /** A create through every member, then every member (after a sync) lists all of them. */
    private void writesThroughEveryMember(String step, String prefix) throws Exception {
        sessions.get(1).createIfAbsent("/hosts");
        List<String> problems = new ArrayList<>();
        for (MemberSession s : sessions.values()) {
            s.create(prefix + s.node(), "by " + s.node(), CreateMode.PERSISTENT);
        }
        String name = prefix.substring(prefix.lastIndexOf('/') + 1);
        for (MemberSession s : sessions.values()) {
            List<String> seen = s.syncedChildren("/hosts").stream().filter(c -> c.startsWith(name)).sorted().toList();
            if (seen.size() != cluster.size()) {
                problems.add(s.node() + " lists " + seen);
            }
        }
        check(step, problems, "a create through each of " + cluster.size() + " members, all seen on every member");
    }

    /** Reads, watches and an ephemeral through the observer, the writes through the leader. */
    private void observerReadsAndWatches() throws Exception {
        MemberSession obs = observer();
        MemberSession lead = leaderSession();
        List<String> problems = new ArrayList<>();
        lead.create("/hosts/watched", "v0", CreateMode.PERSISTENT);
        obs.syncedChildren("/hosts");
        obs.zk().getData("/hosts/watched", obs.watcher(), null);
        obs.zk().getChildren("/hosts", obs.watcher());
        obs.zk().exists("/hosts/born", obs.watcher());
        lead.zk().setData("/hosts/watched", "v1".getBytes(java.nio.charset.StandardCharsets.UTF_8), -1);
        lead.create("/hosts/born", "", CreateMode.PERSISTENT);
        Set<String> missing = obs.awaitEvents(Set.of("NodeDataChanged /hosts/watched", "NodeCreated /hosts/born",
                "NodeChildrenChanged /hosts"), WATCH_WAIT);
        if (!missing.isEmpty()) {
            problems.add("watch events not delivered through the observer: " + missing);
        }
        String value = obs.read("/hosts/watched");
        if (!value.equals("v1")) {
            problems.add("the observer reads '" + value + "' after the data watch fired (expected v1)");
        }
        obs.create("/hosts/eph-observer", "", CreateMode.EPHEMERAL);
        if (!lead.syncedChildren("/hosts").contains("eph-observer")) {
            problems.add("the observer session's ephemeral is not seen through the leader");
        }
        check("observer", problems, "reads, data/child/exists watches and an ephemeral through " + obs.node());
    }

    /** rqld on a follower moves leadership to it; ydld on it moves it away; writes and watches work after each. */
    private void transfer() throws Exception {
        Node leader = leader().orElseThrow();
        Node target = cluster.nodes().stream().filter(n -> n.id() <= VOTERS && n != leader).findFirst().orElseThrow();
        List<String> problems = new ArrayList<>();
        int observerDisconnects = observer().disconnects();
        long t0 = System.nanoTime();
        String answer = target.word("rqld").trim();
        if (!answer.startsWith("Sent leadership request to leader.")) {
            problems.add("rqld on " + target + " answered '" + answer + "'");
        }
        boolean led = await(() -> target.mode().equals("leader"), Duration.ofSeconds(15));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!led) {
            problems.add(target + " does not lead 15 s after rqld: " + cluster.modes());
        }
        check("rqld", problems, target + " leads " + ms + " ms after rqld over the bridge (was " + leader + ")");
        writesThroughEveryMember("writes after rqld", "/hosts/after-rqld-");

        problems = new ArrayList<>();
        t0 = System.nanoTime();
        answer = target.word("ydld").trim();
        if (!answer.startsWith("Sent yield leadership request to leader.")) {
            problems.add("ydld on " + target + " answered '" + answer + "'");
        }
        boolean moved = await(() -> leader().filter(n -> n != target).isPresent(), Duration.ofSeconds(15));
        ms = (System.nanoTime() - t0) / 1_000_000;
        if (!moved) {
            problems.add("leadership did not leave " + target + " 15 s after ydld: " + cluster.modes());
        }
        MemberSession obs = observer();
        obs.zk().exists("/hosts/after-ydld", obs.watcher());
        leaderSession().create("/hosts/after-ydld", "", CreateMode.PERSISTENT);
        Set<String> missing = obs.awaitEvents(Set.of("NodeCreated /hosts/after-ydld"), WATCH_WAIT);
        if (!missing.isEmpty()) {
            problems.add("the observer's watch did not fire after the transfer: " + missing);
        }
        // Corral keeps a follower's or observer's clients while it moves to the next leader (docs/ensemble.md).
        if (obs.disconnects() != observerDisconnects) {
            problems.add("the observer's client lost its connection during the transfers");
        }
        check("ydld", problems, "leadership left " + target + " " + ms + " ms after ydld: " + cluster.modes()
                + "; the observer's client stayed connected through both transfers and its watch fired");
        roles("roles after the transfers");
    }

    /**
     * kill -9 of a follower and of the observer; writes through the leader while they are down; both restarted
     * catch up, and the sessions that were attached to them survive (same session id, not expired).
     */
    private void killAndRestart() throws Exception {
        Node leader = leader().orElseThrow();
        Node follower = cluster.nodes().stream().filter(n -> n.id() <= VOTERS && n != leader).findFirst()
                .orElseThrow();
        Node obsNode = observer().node();
        List<Node> victims = List.of(follower, obsNode);
        Map<Node, Long> ids = new TreeMap<>((a, b) -> a.id() - b.id());
        victims.forEach(v -> ids.put(v, sessions.get(v.id()).sessionId()));
        victims.forEach(Node::kill);
        MemberSession lead = leaderSession();
        int writes = 30;
        for (int i = 0; i < writes; i++) {
            lead.create("/hosts/while-down-" + i, Integer.toString(i), CreateMode.PERSISTENT);
        }
        long t0 = System.nanoTime();
        victims.forEach(Node::start);
        List<String> problems = new ArrayList<>();
        for (Node v : victims) {
            String want = v == obsNode ? "observer" : "follower";
            if (!await(() -> v.mode().equals(want), Duration.ofSeconds(40))) {
                problems.add(v + " is not serving (" + want + ") 40 s after its restart (mode '" + v.mode() + "')");
                continue;
            }
            MemberSession s = sessions.get(v.id());
            long have = s.syncedChildren("/hosts").stream().filter(c -> c.startsWith("while-down-")).count();
            if (have != writes) {
                problems.add(v + " has " + have + " of the " + writes + " creates made while it was down");
            }
            if (s.expired() || s.sessionId() != ids.get(v)) {
                problems.add("the session on " + v + " did not survive its restart");
            }
        }
        if (!lead.syncedChildren("/hosts").contains("eph-observer")) {
            problems.add("the observer session's ephemeral is gone after the observer's restart");
        }
        check("kill -9 and restart", problems, follower + " and " + obsNode + " killed, " + writes
                + " creates through " + leader + ", both serving and caught up "
                + (System.nanoTime() - t0) / 1_000_000 + " ms after restart; their sessions and the ephemeral kept");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Optional<Node> leader() {
        return cluster.leader();
    }

    private MemberSession leaderSession() {
        return sessions.get(leader().orElseThrow(() -> new IllegalStateException("no leader: " + cluster.modes()))
                .id());
    }

    private MemberSession observer() {
        return sessions.get(VOTERS + 1);
    }

    private static String mntr(Node n, String key) {
        for (String line : n.word("mntr").split("\n")) {
            String[] kv = line.split("\t", 2);
            if (kv.length == 2 && kv[0].equals(key)) {
                return kv[1].trim();
            }
        }
        return "";
    }

    /** Whether something in namespace {@code ns} accepts a TCP connection at host:port (bash's /dev/tcp). */
    private static boolean accepts(String ns, String host, int port) {
        return Sh.tryRun("ip", "netns", "exec", ns, "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port).code() == 0;
    }

    private static boolean await(Supplier<Boolean> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return true;
            }
            sleep(100);
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check(String step, List<String> problems, String okDetail) {
        if (problems.isEmpty()) {
            pass(step, okDetail);
        } else {
            fail(step, String.join("; ", problems));
        }
    }

    private void pass(String step, String detail) {
        out.println("ok    " + step + ": " + detail);
    }

    private void fail(String step, String why) {
        failures.add(step);
        out.println("FAIL  " + step + ": " + why);
    }
}
