package dev.corral.mesos.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real three-node Corral ensemble: three server processes started from the shaded server jar
 * ({@code -Dcorral.jar=coord-server/target/coord-server-0.1.0-SNAPSHOT-all.jar}; {@code scripts/test-mesos-on-corral}
 * passes it), replicating over loopback on free ports. Tests can kill -9 any member (the leader, found with
 * {@code srvr}) and start it again on its data. This module does not depend on coord-server: it only runs its jar.
 */
public final class CorralEnsemble implements AutoCloseable {

    public static final int SIZE = 3;
    /** ZooKeeper's default is 2000; 500 keeps elections and session expiry short (sessions of 1 to 10 s). */
    public static final int TICK_MS = 500;

    private final Path jar;
    private final Path dir;
    private final int[] clientPorts = new int[SIZE + 1];
    private final Process[] processes = new Process[SIZE + 1];

    /** The jar named by {@code -Dcorral.jar}, if any. */
    public static Optional<Path> jarFromProperty() {
        String p = System.getProperty("corral.jar", "").trim();
        return p.isEmpty() ? Optional.empty() : Optional.of(Path.of(p).toAbsolutePath());
    }

    public CorralEnsemble(Path jar, Path dir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("No Corral server jar at " + jar);
        }
        this.jar = jar;
        this.dir = dir;
        int[] quorum = new int[SIZE + 1];
        int[] election = new int[SIZE + 1];
        for (int id = 1; id <= SIZE; id++) {
            clientPorts[id] = FreePorts.next();
            quorum[id] = FreePorts.next();
            election[id] = FreePorts.next();
        }
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            servers.append("server.").append(id).append("=127.0.0.1:").append(quorum[id]).append(':')
                    .append(election[id]).append('\n');
        }
        for (int id = 1; id <= SIZE; id++) {
            Path home = dir.resolve("s" + id);
            Files.createDirectories(home.resolve("data"));
            Files.writeString(home.resolve("data/myid"), id + "\n");
            Files.writeString(home.resolve("zoo.cfg"), "tickTime=" + TICK_MS + "\n"
                    + "initLimit=10\n"
                    + "syncLimit=5\n"
                    + "dataDir=" + home.resolve("data") + "\n"
                    + "clientPort=" + clientPorts[id] + "\n"
                    + "clientPortAddress=127.0.0.1\n"
                    + "maxClientCnxns=0\n"
                    + "4lw.commands.whitelist=*\n"
                    + "admin.enableServer=false\n"
                    + servers, StandardCharsets.UTF_8);
        }
    }

    public String connectString() {
        List<String> hosts = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            hosts.add("127.0.0.1:" + clientPorts[id]);
        }
        return String.join(",", hosts);
    }

    public Path dir() {
        return dir;
    }

    /** Starts every member that is not running, then waits until all serve and exactly one leads. */
    public void start() throws IOException, InterruptedException {
        for (int id = 1; id <= SIZE; id++) {
            if (!isAlive(id)) {
                launch(id);
            }
        }
        awaitStable(Duration.ofSeconds(90));
    }

    private void launch(int id) throws IOException {
        Path home = dir.resolve("s" + id);
        processes[id] = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), home.resolve("zoo.cfg").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()))
                .start();
    }

    public boolean isAlive(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    /** kill -9 of one member. */
    public void kill(int id) throws InterruptedException {
        if (processes[id] != null) {
            processes[id].destroyForcibly().waitFor();
            processes[id] = null;
        }
    }

    /** Every running member serves (srvr says leader or follower) and exactly one of them leads. */
    public int awaitStable(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Integer> leader = Optional.empty();
            boolean allServing = true;
            int leaders = 0;
            for (int id = 1; id <= SIZE; id++) {
                if (!isAlive(id)) {
                    continue;
                }
                String mode = mode(id);
                if (mode.equals("leader")) {
                    leaders++;
                    leader = Optional.of(id);
                } else if (!mode.equals("follower")) {
                    allServing = false;
                }
            }
            if (allServing && leaders == 1) {
                return leader.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Corral ensemble not stable after " + timeout + "; modes: " + modes()
                        + "; logs under " + dir);
            }
            Thread.sleep(100);
        }
    }

    /** The member that leads now, if one does. */
    public Optional<Integer> leader() {
        for (int id = 1; id <= SIZE; id++) {
            if (isAlive(id) && mode(id).equals("leader")) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    public String modes() {
        StringBuilder b = new StringBuilder();
        for (int id = 1; id <= SIZE; id++) {
            b.append(id).append('=').append(isAlive(id) ? mode(id) : "down").append(' ');
        }
        return b.toString().trim();
    }

    /** The {@code Mode:} line of {@code srvr}: leader, follower, or "" while the member does not serve. */
    public String mode(int id) {
        for (String line : fourLetterWord(clientPorts[id], "srvr").split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring("Mode: ".length()).trim();
            }
        }
        return "";
    }

    private static String fourLetterWord(int port, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        for (int id = 1; id <= SIZE; id++) {
            try {
                kill(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where a member's output goes. */
    public Path log(int id) {
        return dir.resolve("s" + id).resolve("server.log");
    }
}
