package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;

/**
 * Corral servers (three voters unless told otherwise, plus any observers), each in its own JVM ({@code dev.corral.server.Main zoo.cfg}, a private copy of this test
 * run's classpath, see {@link ChildProcess#testClasspath()}), replicating over loopback. A test can kill -9, pause
 * (SIGSTOP), resume (SIGCONT), restart and wipe any of them, ask each for its role with {@code srvr}, and compare
 * the trees the servers hold.
 */
final class ProcessEnsemble implements AutoCloseable {
    /** The voters of the default ensemble. */
    static final int SIZE = 3;
    private static final String READY = "Corral serving clients on port ";

    private final Path dir;
    private final String name;
    /** Apache ZooKeeper 3.9.5's QuorumPeerMain (the test classpath's) instead of Corral, for side-by-side runs. */
    private boolean zookeeper;
    /** Voters are ids 1..voters, observers the ids after them up to {@code members}. */
    private final int voters;
    private final int members;
    private final int[] clientPorts;
    private final int[] quorumPorts;
    private final int[] electionPorts;
    private final ChildProcess[] processes;
    /** Everything every incarnation of each server printed (a restart starts a new transcript). */
    private final StringBuilder[] history;
    private final boolean[] paused;
    private final List<String> jvmOptions;
    /** Each server's zoo.cfg as the constructor wrote it, before {@link #configure} adds to it. */
    private final String[] baseConfig;

    /** {@code name} names the directory under target/ensemble-process-logs that keeps the servers' output. */
    ProcessEnsemble(Path dir, String name) {
        this(dir, name, List.of());
    }

    /** {@code jvmOptions} go to every server JVM (e.g. {@code -Dcorral.logTrimInterval=100}). */
    ProcessEnsemble(Path dir, String name, List<String> jvmOptions) {
        this(dir, name, jvmOptions, SIZE, 0);
    }

    /** The same layout and zoo.cfg run by Apache ZooKeeper 3.9.5's QuorumPeerMain, one JVM per server. */
    static ProcessEnsemble zookeeper(Path dir, String name, int voters, int observers) {
        return zookeeper(dir, name, voters, observers, voters + observers);
    }

    /** As above, with {@code jvmOptions} for every ZooKeeper JVM (a super digest, extended types). */
    static ProcessEnsemble zookeeper(Path dir, String name, int voters, int observers, List<String> jvmOptions) {
        return zookeeper(dir, name, voters, observers, voters + observers, jvmOptions);
    }

    /** As {@link #zookeeper(Path, String, int, int)}, with joiners as {@link #ProcessEnsemble(Path, String, List,
     *  int, int, int)} lays them out. */
    static ProcessEnsemble zookeeper(Path dir, String name, int voters, int observers, int initial) {
        return zookeeper(dir, name, voters, observers, initial, List.of());
    }

    private static ProcessEnsemble zookeeper(Path dir, String name, int voters, int observers, int initial,
                                             List<String> jvmOptions) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dzookeeper.admin.enableServer=false");
        ProcessEnsemble e = new ProcessEnsemble(dir, name, options, voters, observers, initial);
        e.zookeeper = true;
        return e;
    }

    /**
     * {@code voters} voting servers and {@code observers} more ({@code server.N=...:observer} in every config and
     * {@code peerType=observer} in the observers' own), as ZooKeeper's docs configure them.
     */
    ProcessEnsemble(Path dir, String name, List<String> jvmOptions, int voters, int observers) {
        this(dir, name, jvmOptions, voters, observers, voters + observers);
    }

    /**
     * As above, but only servers 1..{@code initial} are in the initial configuration; each later one is a joiner
     * (dynamic reconfiguration, as ZooKeeper's docs add a server): its zoo.cfg lists the initial servers and
     * itself, and it starts with an empty data directory once the test adds it.
     */
    ProcessEnsemble(Path dir, String name, List<String> jvmOptions, int voters, int observers, int initial) {
        this.dir = dir;
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.voters = voters;
        this.members = voters + observers;
        clientPorts = new int[members + 1];
        quorumPorts = new int[members + 1];
        electionPorts = new int[members + 1];
        processes = new ChildProcess[members + 1];
        history = new StringBuilder[members + 1];
        paused = new boolean[members + 1];
        baseConfig = new String[members + 1];
        for (int id = 1; id <= members; id++) {
            clientPorts[id] = ChildProcess.freePort();
            quorumPorts[id] = ChildProcess.freePort();
            electionPorts[id] = ChildProcess.freePort();
            history[id] = new StringBuilder();
        }
        String[] lines = new String[members + 1];
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= members; id++) {
            // The election port is parsed and unused (docs/replication.md); a free one keeps the line honest.
            lines[id] = "server." + id + "=127.0.0.1:" + quorumPorts[id] + ':' + electionPorts[id]
                    + (id > voters ? ":observer" : "") + '\n';
            if (id <= initial) {
                servers.append(lines[id]);
            }
        }
        try {
            for (int id = 1; id <= members; id++) {
                Path home = home(id);
                Files.createDirectories(dataDir(id));
                Files.writeString(dataDir(id).resolve("myid"), id + "\n");
                baseConfig[id] = "tickTime=200\n"
                        + "initLimit=10\n"
                        + "syncLimit=5\n"
                        + "minSessionTimeout=400\n"
                        + "maxSessionTimeout=30000\n"
                        + "dataDir=" + dataDir(id) + "\n"
                        + "clientPort=" + clientPorts[id] + "\n"
                        + "clientPortAddress=127.0.0.1\n"
                        + "4lw.commands.whitelist=*\n"
                        + "admin.enableServer=false\n"
                        + (id > voters ? "peerType=observer\n" : "")
                        + servers + (id > initial ? lines[id] : "");
                Files.writeString(home.resolve("zoo.cfg"), baseConfig[id], StandardCharsets.UTF_8);
                Files.writeString(home.resolve("logback.xml"), """
                        <configuration>
                          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
                          </appender>
                          <logger name="dev.corral" level="INFO"/>
                          <root level="WARN"><appender-ref ref="OUT"/></root>
                        </configuration>
                        """, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites server {@code id}'s zoo.cfg as the base config plus {@code extra} (key=value lines, replacing any
     * earlier extra); it takes effect at the server's next start.
     */
    void configure(int id, Map<String, String> extra) {
        StringBuilder cfg = new StringBuilder(baseConfig[id]);
        extra.forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(home(id).resolve("zoo.cfg"), cfg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("server %d: zoo.cfg now adds %s", id, extra.keySet());
    }

    /** Server {@code id}'s quorum port (its server.N line). */
    int quorumPort(int id) {
        return quorumPorts[id];
    }

    /** Server {@code id}'s election port (its server.N line). */
    int electionPort(int id) {
        return electionPorts[id];
    }

    private Path home(int id) {
        return dir.resolve("s" + id);
    }

    Path dataDir(int id) {
        return home(id).resolve("data");
    }

    static void log(String format, Object... args) {
        System.out.printf("%tT.%<tL [ensemble] %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    // ------------------------------------------------------------------ processes

    /** Starts every server (in parallel) and waits until one leads and the others follow. Returns the leader. */
    int startAll() {
        for (int id = 1; id <= members; id++) {
            launch(id);
        }
        for (int id = 1; id <= members; id++) {
            awaitServing(id);
        }
        long t0 = System.nanoTime();
        int leader = awaitStable(Duration.ofSeconds(60));
        log("ensemble up: leader %d (stable %d ms after every JVM served its port)", leader, ms(t0));
        return leader;
    }

    /** Starts a server that is down (after {@link #kill}) on its existing data directory. */
    void start(int id) {
        launch(id);
        awaitServing(id);
    }

    /** Starts a server that must refuse to start; returns its exit code and output once it has exited. */
    Exited startExpectingExit(int id, Duration timeout) {
        launch(id);
        ChildProcess p = processes[id];
        int code = p.waitFor(timeout);
        String out = p.output();
        saveTranscript(id);
        processes[id] = null;
        log("server %d: exited during start-up with code %d", id, code);
        return new Exited(code, out);
    }

    record Exited(int code, String output) {}

    /** Waits for a running server to exit on its own; returns its exit code and output. */
    Exited awaitExit(int id, Duration timeout) {
        ChildProcess p = processes[id];
        int code = p.waitFor(timeout);
        String out = p.output();
        saveTranscript(id);
        processes[id] = null;
        paused[id] = false;
        log("server %d: exited with code %d", id, code);
        return new Exited(code, out);
    }

    private void launch(int id) {
        if (processes[id] != null && processes[id].isAlive()) {
            throw new IllegalStateException("server " + id + " is already running");
        }
        Path home = home(id);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dlogback.configurationFile=" + home.resolve("logback.xml"));
        processes[id] = ChildProcess.start(ChildProcess.java(
                zookeeper ? "org.apache.zookeeper.server.quorum.QuorumPeerMain" : "dev.corral.server.Main", options,
                home.resolve("zoo.cfg").toString()), home);
        paused[id] = false;
        log("server %d: started, pid %d", id, processes[id].pid());
    }

    private void awaitServing(int id) {
        ChildProcess p = processes[id];
        if (zookeeper) { // its client port opens before the election; it says so only at INFO
            await(() -> !p.isAlive() || "imok".equals(fourLetter(id, "ruok")), Duration.ofSeconds(90),
                    "server " + id + " to answer ruok");
        } else {
            p.awaitOutput(0, s -> s.contains(READY + clientPorts[id]) || !p.isAlive(), Duration.ofSeconds(90),
                    "server " + id + " to serve its client port");
        }
        if (!p.isAlive()) {
            throw new AssertionError("server " + id + " exited during start-up:\n" + p.output());
        }
    }

    /** kill -9. */
    void kill(int id) {
        ChildProcess p = processes[id];
        p.kill(); // SIGKILL also ends a stopped process
        paused[id] = false;
        assertThat(p.isAlive()).as("server %d after kill -9", id).isFalse();
        saveTranscript(id);
        processes[id] = null;
        log("server %d: killed (kill -9)", id);
    }

    void pause(int id) {
        signal(id, "STOP");
        paused[id] = true;
        log("server %d: paused (SIGSTOP)", id);
    }

    void resume(int id) {
        signal(id, "CONT");
        paused[id] = false;
        log("server %d: resumed (SIGCONT)", id);
    }

    private void signal(int id, String sig) {
        long pid = processes[id].pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(20, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + sig + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kill -9, then start again on the same data directory. */
    void restart(int id) {
        kill(id);
        start(id);
    }

    /** Deletes everything in a stopped server's data directory except {@code myid}. */
    void wipe(int id) {
        if (processes[id] != null) {
            throw new IllegalStateException("wipe a stopped server only");
        }
        try (Stream<Path> files = Files.walk(dataDir(id))) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!f.equals(dataDir(id)) && !f.equals(dataDir(id).resolve("myid"))) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> left = Files.list(dataDir(id))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("myid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("server %d: data directory wiped (myid kept)", id);
    }

    /** The running server's process id. */
    long pid(int id) {
        return processes[id].pid();
    }

    boolean running(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    /** The current incarnation's output. */
    String output(int id) {
        return processes[id] == null ? "" : processes[id].output();
    }

    private void saveTranscript(int id) {
        if (processes[id] != null) {
            history[id].append(processes[id].output()).append("----- (process ended) -----\n");
        }
    }

    // ------------------------------------------------------------------ roles

    int clientPort(int id) {
        return clientPorts[id];
    }

    InetSocketAddress address(int id) {
        return new InetSocketAddress("127.0.0.1", clientPorts[id]);
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    String connectStringAll() {
        List<String> parts = new ArrayList<>();
        for (int id = 1; id <= members; id++) {
            parts.add(connectString(id));
        }
        return String.join(",", parts);
    }

    /** The answer to a four-letter word, or null if the server does not answer (down, paused) within 2 s. */
    String fourLetter(int id, String word) {
        if (!running(id) || paused[id]) {
            return null;
        }
        try (Socket s = new Socket()) {
            s.connect(address(id), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code leader}, {@code follower}, {@code looking}, or null when the server does not answer. */
    /** leader, follower, or "not serving" while electing or syncing (ZooKeeper's answer then); null if down. */
    String mode(int id) {
        String srvr = fourLetter(id, "srvr");
        if (srvr != null && srvr.contains("not currently serving requests")) {
            return "not serving";
        }
        return srvr == null ? null : field(srvr, "Mode");
    }

    /** The server's applied zxid per {@code srvr}, or -1. */
    long zxid(int id) {
        String srvr = fourLetter(id, "srvr");
        String z = srvr == null ? null : field(srvr, "Zxid");
        return z == null ? -1 : Long.parseLong(z.substring(2), 16);
    }

    private static String field(String srvr, String name) {
        for (String line : srvr.split("\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2).trim();
            }
        }
        return null;
    }

    /**
     * The one running server whose {@code srvr} says leader, if every other running voter says follower and every
     * running observer says observer; else -1.
     */
    int leader() {
        int leader = -1;
        for (int id = 1; id <= members; id++) {
            if (!running(id) || paused[id]) {
                continue;
            }
            String mode = mode(id);
            if ("leader".equals(mode)) {
                if (leader > 0) {
                    return -1;
                }
                leader = id;
            } else if (!(id > voters ? "observer" : "follower").equals(mode)) {
                return -1;
            }
        }
        return leader;
    }

    /**
     * Whether server {@code id} gives a stock client a session within 5 s. {@code srvr} reports a follower that is
     * still syncing with its leader (or a leader not yet established) by its role alone, while the server refuses
     * sessions until it is active; only a session shows it serves.
     */
    boolean serves(int id) {
        if (!running(id) || paused[id]) {
            return false;
        }
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = null;
        try {
            zk = new ZooKeeper(connectString(id), 10_000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, false, new OrderedHosts(List.of(address(id))));
            return connected.await(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (zk != null) {
                try {
                    zk.close(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Waits until the running, unpaused servers agree (one says leader, the rest follower) and each of them gives a
     * client a session. Returns the leader.
     */
    int awaitStable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int l = leader();
            if (l > 0 && allServe() && leader() == l) {
                return l;
            }
            sleep(50);
        }
        StringBuilder modes = new StringBuilder();
        for (int id = 1; id <= members; id++) {
            modes.append(" ").append(id).append('=').append(running(id) ? (paused[id] ? "paused" : mode(id)) : "down");
        }
        throw new AssertionError("no stable leader within " + timeout + ";" + modes + "\n" + transcripts());
    }

    private boolean allServe() {
        for (int id = 1; id <= members; id++) {
            if (running(id) && !paused[id] && !serves(id)) {
                return false;
            }
        }
        return true;
    }

    /** Waits until server {@code id} reports {@code mode} (leader or follower) and gives a client a session. */
    void awaitMode(int id, String mode, Duration timeout) {
        await(() -> mode.equals(mode(id)) && serves(id), timeout, "server " + id + " to be a serving " + mode);
    }

    void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n"
                        + transcripts());
            }
            sleep(50);
        }
    }

    // ------------------------------------------------------------------ clients and digests

    /** A stock client that may only use server {@code id}. */
    ZooKeeper client(int id, int sessionTimeoutMs, Watcher watcher) throws Exception {
        return connect(new OrderedHosts(List.of(address(id))), sessionTimeoutMs, watcher);
    }

    /** A stock client with every server, trying {@code first} first and then the others in order. */
    ZooKeeper clientPreferring(int first, int sessionTimeoutMs, Watcher watcher) throws Exception {
        return connect(hostsPreferring(first), sessionTimeoutMs, watcher);
    }

    OrderedHosts hostsPreferring(int first) {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (int k = 0; k < members; k++) {
            hosts.add(address((first - 1 + k) % members + 1));
        }
        return new OrderedHosts(hosts);
    }

    /**
     * Clients that take replies up to 32 MiB: a parent with 100,000 children (a fast load for 15 s) lists in about
     * 2 MB, past the 1 MiB a stock client accepts by default, and the servers send such replies as ZooKeeper does.
     */
    private static org.apache.zookeeper.client.ZKClientConfig largeReplies() {
        org.apache.zookeeper.client.ZKClientConfig config = new org.apache.zookeeper.client.ZKClientConfig();
        config.setProperty(org.apache.zookeeper.common.ZKConfig.JUTE_MAXBUFFER, Integer.toString(32 << 20));
        return config;
    }

    ZooKeeper connect(OrderedHosts hosts, int sessionTimeoutMs, Watcher watcher) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectStringAll(), sessionTimeoutMs, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected
                    && event.getType() == Watcher.Event.EventType.None) {
                connected.countDown();
            }
            if (watcher != null) {
                watcher.process(event);
            }
        }, false, hosts, largeReplies());
        if (!connected.await(60, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no session via " + hosts + " within 60 s\n" + transcripts());
        }
        return zk;
    }

    /** A stock client of {@code connect} (any connect string) once it has a session; at most 20 s. */
    static ZooKeeper connected(String connect) throws Exception {
        return sessionWithin(connect, (c, w) -> new ZooKeeper(c, 10_000, w));
    }

    /** A {@link ZooKeeperAdmin} with a session on server {@code id}; at most 20 s. */
    ZooKeeperAdmin admin(int id) throws Exception {
        return sessionWithin(connectString(id), (c, w) -> new ZooKeeperAdmin(c, 10_000, w));
    }

    private interface ClientOpener<T extends ZooKeeper> {
        T open(String connect, Watcher watcher) throws IOException;
    }

    private static <T extends ZooKeeper> T sessionWithin(String connect, ClientOpener<T> opener) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        T zk = opener.open(connect, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                up.countDown();
            }
        });
        if (!up.await(20, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("no session with " + connect);
        }
        return zk;
    }

    /** The server a client's {@link OrderedHosts} connected to last. */
    int serverOf(OrderedHosts hosts) {
        InetSocketAddress a = hosts.current();
        for (int id = 1; id <= members; id++) {
            if (a != null && a.getPort() == clientPorts[id]) {
                return id;
            }
        }
        return -1;
    }

    /**
     * The tree as server {@code id} holds it, read by a client connected to that server alone after a
     * {@code sync}: path -> "version cversion czxid mzxid ephemeralOwner sha256(data)".
     */
    TreeMap<String, String> tree(int id) throws Exception {
        ZooKeeper zk = client(id, 20_000, null);
        try {
            CountDownLatch synced = new CountDownLatch(1);
            AtomicReference<Integer> syncRc = new AtomicReference<>();
            zk.sync("/", (rc, path, ctx) -> {
                syncRc.set(rc);
                synced.countDown();
            }, null);
            assertThat(synced.await(60, TimeUnit.SECONDS)).as("sync on server %d", id).isTrue();
            assertThat(syncRc.get()).as("sync result on server %d", id).isZero();
            TreeMap<String, String> tree = new TreeMap<>();
            List<String> level = List.of("/");
            while (!level.isEmpty()) {
                List<String> next = java.util.Collections.synchronizedList(new ArrayList<>());
                Map<String, String> entries = new java.util.concurrent.ConcurrentHashMap<>();
                AtomicReference<String> failure = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(level.size() * 2);
                for (String path : level) {
                    zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                        if (rc == KeeperException.Code.OK.intValue()) {
                            entries.put(p, describe(stat, data));
                        } else if (rc != KeeperException.Code.NONODE.intValue()) {
                            failure.set("getData " + p + ": " + KeeperException.Code.get(rc));
                        }
                        done.countDown();
                    }, null);
                    zk.getChildren(path, false, (rc, p, ctx, children) -> {
                        if (rc == KeeperException.Code.OK.intValue()) {
                            for (String c : children) {
                                next.add(p.equals("/") ? "/" + c : p + "/" + c);
                            }
                        } else if (rc != KeeperException.Code.NONODE.intValue()) {
                            failure.set("getChildren " + p + ": " + KeeperException.Code.get(rc));
                        }
                        done.countDown();
                    }, null);
                }
                assertThat(done.await(120, TimeUnit.SECONDS)).as("reading the tree of server %d", id).isTrue();
                if (failure.get() != null) {
                    throw new AssertionError("reading the tree of server " + id + ": " + failure.get());
                }
                tree.putAll(entries);
                level = new ArrayList<>(next);
            }
            return tree;
        } finally {
            zk.close();
        }
    }

    private static String describe(Stat stat, byte[] data) {
        try {
            String hash = data == null ? "null"
                    : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
            return "v" + stat.getVersion() + " cv" + stat.getCversion() + " c" + Long.toHexString(stat.getCzxid())
                    + " m" + Long.toHexString(stat.getMzxid()) + " e" + Long.toHexString(stat.getEphemeralOwner())
                    + " " + hash;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A short digest of a tree: node count and a hash over the sorted entries. */
    static String digest(TreeMap<String, String> tree) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            tree.forEach((p, d) -> md.update((p + "\0" + d + "\n").getBytes(StandardCharsets.UTF_8)));
            return tree.size() + " nodes, " + HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Asserts that every running server holds the same tree (nothing may be writing). Ephemerals of sessions that
     * are still expiring can make a first comparison differ, so it retries for a while and then reports the
     * differences. Returns the agreed tree.
     */
    TreeMap<String, String> assertSameTrees(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Integer, TreeMap<String, String>> trees = new TreeMap<>();
            for (int id = 1; id <= members; id++) {
                if (running(id) && !paused[id]) {
                    trees.put(id, tree(id));
                }
            }
            List<TreeMap<String, String>> all = new ArrayList<>(trees.values());
            boolean same = all.stream().allMatch(t -> t.equals(all.get(0)));
            StringBuilder report = new StringBuilder();
            trees.forEach((id, t) -> report.append(" server ").append(id).append(": ").append(digest(t)).append(';'));
            if (same) {
                log("digests equal:%s", report);
                return all.get(0);
            }
            if (System.nanoTime() > deadline) {
                assertThat(same).as("trees differ:%s\n%s", report, differences(trees)).isTrue();
            }
            log("digests differ, retrying:%s", report);
            sleep(500);
        }
    }

    private static String differences(Map<Integer, TreeMap<String, String>> trees) {
        StringBuilder out = new StringBuilder();
        java.util.TreeSet<String> paths = new java.util.TreeSet<>();
        trees.values().forEach(t -> paths.addAll(t.keySet()));
        int shown = 0;
        for (String p : paths) {
            List<String> values = new ArrayList<>();
            trees.forEach((id, t) -> values.add(id + "=" + t.get(p)));
            if (values.stream().map(v -> v.substring(v.indexOf('=') + 1)).distinct().count() > 1) {
                out.append("  ").append(p).append(": ").append(String.join(", ", values)).append('\n');
                if (++shown >= 30) {
                    out.append("  ...\n");
                    break;
                }
            }
        }
        return out.toString();
    }

    /** Every server's output so far, for failure messages. */
    String transcripts() {
        StringBuilder out = new StringBuilder();
        for (int id = 1; id <= members; id++) {
            out.append("===== server ").append(id).append(" =====\n").append(history[id]).append(output(id));
        }
        String all = out.toString();
        return all.length() > 60_000 ? "..." + all.substring(all.length() - 60_000) : all;
    }

    static long ms(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        for (int id = 1; id <= members; id++) {
            if (processes[id] != null) {
                processes[id].kill();
                saveTranscript(id);
                processes[id] = null;
            }
        }
        // Keep the servers' output where a failed run can be read (the temp dir is deleted).
        try {
            Path logs = Path.of("target", "ensemble-process-logs", name);
            Files.createDirectories(logs);
            for (int id = 1; id <= members; id++) {
                Files.writeString(logs.resolve("server" + id + ".log"), history[id], StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            // best effort
        }
    }
}
