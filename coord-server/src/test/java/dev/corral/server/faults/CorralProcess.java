package dev.corral.server.faults;

import dev.corral.server.clients.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Corral server in its own JVM ({@code dev.corral.server.Main zoo.cfg}, this test run's classpath), so that a
 * test can kill -9 it and start it again on the same data directory.
 */
public final class CorralProcess implements AutoCloseable {
    private static final String READY = "Corral serving clients on port ";

    private final Path configFile;
    private final Path logConfig;
    private final int port;
    private ChildProcess process;

    /** Writes {@code dir}/zoo.cfg (dataDir {@code dir}/data, a free client port, plus {@code extra}). */
    public CorralProcess(Path dir, Map<String, String> extra) {
        this.port = ChildProcess.freePort();
        this.configFile = dir.resolve("zoo.cfg");
        this.logConfig = dir.resolve("logback.xml");
        StringBuilder cfg = new StringBuilder()
                .append("dataDir=").append(dir.resolve("data")).append('\n')
                .append("clientPort=").append(port).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                // ZooKeeper's default AdminServer port, 8080, would clash between processes on one host.
                .append("admin.enableServer=false\n");
        extra.forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(configFile, cfg, StandardCharsets.UTF_8);
            // INFO for dev.corral so the transcript shows start-up, recovery and session expiry.
            Files.writeString(logConfig, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
                      </appender>
                      <logger name="dev.corral" level="INFO"/>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Starts the server and waits until it serves clients. */
    public CorralProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        process = ChildProcess.start(ChildProcess.java("dev.corral.server.Main",
                List.of("-Dlogback.configurationFile=" + logConfig), configFile.toString()), null);
        process.awaitOutput(0, s -> s.contains(READY + port) || !process.isAlive(), Duration.ofSeconds(60),
                "Corral to start");
        if (!process.isAlive()) {
            throw new AssertionError("Corral exited during start-up:\n" + process.output());
        }
        return this;
    }

    /** kill -9: no shutdown hook runs, nothing is flushed. */
    public void kill() {
        process.kill();
    }

    /** Whether the server process exits within {@code ms} (it should not, unless killed). */
    public boolean exitsWithin(long ms) {
        try {
            return process != null && process.process().waitFor(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code of a process that has exited. */
    public int exitValue() {
        return process.process().exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String output() {
        return process == null ? "" : process.output();
    }

    @Override
    public void close() {
        if (process != null) {
            process.kill();
        }
    }
}
