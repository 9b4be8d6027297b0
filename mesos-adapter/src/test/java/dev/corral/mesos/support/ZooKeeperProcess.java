package dev.corral.mesos.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An Apache ZooKeeper server in its own JVM ({@code ZooKeeperServerMain port dataDir}, tickTime 2000), so a test
 * can kill it with SIGKILL and start it again on the same port and data directory.
 */
public final class ZooKeeperProcess implements AutoCloseable {

    private final int port;
    private final Path dataDir;
    private final Path log;
    private Process process;

    public ZooKeeperProcess() throws IOException {
        this.port = FreePorts.next();
        this.dataDir = Files.createTempDirectory("zk-process");
        this.log = dataDir.resolve("server.log");
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    public void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dzookeeper.admin.enableServer=false",
                "-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.ZooKeeperServerMain", Integer.toString(port), dataDir.resolve("data").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("ZooKeeper process did not start; see " + log);
    }

    /** SIGKILL: nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }
}
