package dev.corral.server.ensemble;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Three Corral servers in this JVM, replicating over loopback: for tests of the ensemble wiring. */
public final class LocalEnsemble implements AutoCloseable {
    final int size;
    final Path dir;
    final int[] clientPorts;
    final Map<Integer, String> servers = new TreeMap<>();
    final CorralServer[] running;

    private final java.util.function.UnaryOperator<ServerConfig> tweak;

    public LocalEnsemble(Path dir, int size) throws IOException {
        this(dir, size, c -> c);
    }

    /** {@code tweak} adjusts each member's config (the ensemble keys stay as this class sets them). */
    public LocalEnsemble(Path dir, int size, java.util.function.UnaryOperator<ServerConfig> tweak) throws IOException {
        this.tweak = tweak;
        this.size = size;
        this.dir = dir;
        this.clientPorts = new int[size + 1];
        this.running = new CorralServer[size + 1];
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = freePort();
            servers.put(id, "127.0.0.1:" + freePort() + ":" + freePort());
        }
    }

    static int freePort() {
        return dev.corral.server.FreePorts.next();
    }

    ServerConfig config(int id) {
        Path data = dir.resolve("s" + id);
        ServerConfig dflt = ServerConfig.standalone("127.0.0.1", 0, data);
        ServerConfig t = tweak.apply(dflt);
        // Keep what the caller changed from the standalone defaults; the rest is this ensemble's.
        return t.withClientPort("127.0.0.1", clientPorts[id])
                .withTickTime(t.tickTime() != dflt.tickTime() ? t.tickTime() : 100)
                .withMaxClientCnxns(t.maxClientCnxns() != dflt.maxClientCnxns() ? t.maxClientCnxns() : 0)
                .withSessionTimeouts(t.minSessionTimeout() != dflt.minSessionTimeout() ? t.minSessionTimeout() : 400,
                        t.maxSessionTimeout() != dflt.maxSessionTimeout() ? t.maxSessionTimeout() : 8000)
                .withFourLetterWords(t.fourLetterWords().equals(dflt.fourLetterWords()) ? Set.of("*")
                        : t.fourLetterWords())
                .withServers(servers, 20, 10);
    }

    void start(int id) throws Exception {
        ServerConfig c = config(id);
        Files.createDirectories(c.dataDir());
        Files.writeString(c.dataDir().resolve("myid"), Integer.toString(id));
        running[id] = CorralServer.start(c);
    }

    public void startAll() throws Exception {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
    }

    void stop(int id) {
        if (running[id] != null) {
            running[id].close();
            running[id] = null;
        }
    }

    /** The id of the established leader among running servers, or -1. */
    public int leader() {
        for (int id = 1; id <= size; id++) {
            if (running[id] != null && running[id].member().peerStatus().canPropose()) {
                return id;
            }
        }
        return -1;
    }

    /** True when every running server is an established leader or a synced follower (serving clients). */
    public boolean allActive() {
        for (int id = 1; id <= size; id++) {
            if (running[id] != null && !running[id].member().peerStatus().active()) {
                return false;
            }
        }
        return true;
    }

    String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    /** host:port of member {@code id}'s TLS client port (secureClientPort in its config). */
    public String secureAddress(int id) {
        return "127.0.0.1:" + running[id].securePort();
    }

    public String connectStringAll() {
        List<String> parts = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            parts.add(connectString(id));
        }
        return String.join(",", parts);
    }

    @Override
    public void close() {
        for (int id = 1; id <= size; id++) {
            stop(id);
        }
    }
}
