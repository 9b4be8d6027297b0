package dev.corral.faults.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One ensemble member: its process inside its namespace, its directory (zoo.cfg, data, server.log). */
public final class Node {
    public static final int CLIENT_PORT = 2181;
    /** Where an observed Corral member serves /metrics (on its own address). */
    public static final int METRICS_PORT = 7000;

    private final int id;
    private final Network net;
    private final Path dir;
    private final ServerKind kind;
    private final ServerKind.Jars jars;
    private final boolean observed;
    private Process process;
    private boolean paused;
    private int starts;

    Node(int id, Network net, Path dir, ServerKind kind, ServerKind.Jars jars, boolean observed) {
        this.id = id;
        this.observed = observed;
        this.net = net;
        this.dir = dir;
        this.kind = kind;
        this.jars = jars;
    }

    public int id() {
        return id;
    }

    public String address() {
        return net.address(id);
    }

    public String clientAddress() {
        return address() + ":" + CLIENT_PORT;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return dir.resolve("server.log");
    }

    /**
     * Writes zoo.cfg and myid (idempotent: the data directory is kept across restarts). Members 1..voters vote; the
     * {@code observers} after them are observers (their server lines say so, and an observer's own zoo.cfg has
     * peerType=observer, as ZooKeeper wants).
     */
    void configure(int voters, int observers, int tickTime, int dataDirLimitMb, List<String> extraCfg)
            throws IOException {
        Files.createDirectories(dataDir());
        Files.writeString(dataDir().resolve("myid"), id + "\n");
        List<String> cfg = new ArrayList<>(List.of("tickTime=" + tickTime, "initLimit=10", "syncLimit=5",
                "dataDir=" + dataDir(), "clientPort=" + CLIENT_PORT, "clientPortAddress=" + address(),
                "maxClientCnxns=0", "4lw.commands.whitelist=*", "admin.enableServer=false",
                "minSessionTimeout=" + 2 * tickTime, "maxSessionTimeout=" + 40 * tickTime));
        if (observed && kind.servesMetrics()) {
            cfg.addAll(List.of("metricsProvider.className=org.apache.zookeeper.metrics.prometheus"
                    + ".PrometheusMetricsProvider", "metricsProvider.httpHost=" + address(),
                    "metricsProvider.httpPort=" + METRICS_PORT));
        }
        for (int i = 1; i <= voters + observers; i++) {
            cfg.add("server." + i + "=" + net.address(i) + ":2888:3888" + (i > voters ? ":observer" : ""));
        }
        if (id > voters) {
            cfg.add("peerType=observer");
        }
        cfg.addAll(extraCfg);
        Files.write(dir.resolve("zoo.cfg"), cfg);
    }

    public synchronized void start() {
        if (alive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.namespace(id)));
        cmd.addAll(kind.command(jars, dir.resolve("zoo.cfg"), observed));
        try {
            Files.writeString(log(), "\n==== campaign: start #" + (++starts) + " " + java.time.Instant.now()
                    + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            // ip netns exec execs the command in place, so this pid is the JVM's: kill and SIGSTOP reach it.
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start member " + id, e);
        }
    }

    /** The member JVM's pid while it runs (ip netns exec execs in place), for resource sampling. */
    public synchronized java.util.OptionalLong pid() {
        return alive() ? java.util.OptionalLong.of(process.pid()) : java.util.OptionalLong.empty();
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The exit code of a member that stopped by itself (or was killed), or null while it runs / never ran. */
    public synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** kill -9, and wait for the process to be gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        if (paused) {
            signal("CONT");
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    public synchronized void pause() {
        if (alive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    public synchronized void resume() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
    }

    public synchronized boolean paused() {
        return paused;
    }

    private void signal(String sig) {
        Sh.run("kill", "-" + sig, Long.toString(process.pid()));
    }

    /** The answer to a four-letter word, or "" when the member does not answer within a second. */
    public String word(String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address(), CLIENT_PORT), 1000);
            s.setSoTimeout(1500);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The member's /metrics page (Prometheus text), or "" when it does not serve one or does not answer. */
    public String metrics() {
        if (!observed || !kind.servesMetrics()) {
            return "";
        }
        try {
            var c = (java.net.HttpURLConnection) new java.net.URL("http://" + address() + ":" + METRICS_PORT
                    + "/metrics").openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(3000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return "";
        }
    }

    /** "leader", "follower", "observer", or "" (not serving / not answering). */
    public String mode() {
        for (String line : word("srvr").split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring("Mode: ".length()).trim();
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return "n" + id;
    }
}
