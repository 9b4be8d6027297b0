package dev.corral.server.migrate;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.SyncRequestProcessor;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;

/**
 * A real ZooKeeper 3.9.5 standalone server in a child JVM (the test classpath), so that a test can stop it with
 * SIGKILL: {@code main(dataDir, logDir, snapCount)} prints "port N" and serves until killed. TTL and container
 * nodes on (extended types), a super user ("super:test"), the sasl and x509 ACL schemes registered so that setACL
 * accepts their ids, and a session timeout of up to 10 minutes so that sessions alive at the kill outlive the test.
 */
public final class ZkChildProcess implements AutoCloseable {
    /** digest of super:test (DigestAuthenticationProvider.generateDigest). */
    public static final String SUPER_DIGEST = "super:D/InIHSb7yEEbrWz8b9l71RjZJU=";

    private final Process process;
    private final int port;

    private ZkChildProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ZkChildProcess start(Path dataDir, Path logDir, int snapCount) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx" + System.getProperty("migrate.zkHeap", "512m"),
                "-cp", System.getProperty("java.class.path"),
                "-Dzookeeper.extendedTypesEnabled=true",
                "-Dzookeeper.DigestAuthenticationProvider.superDigest=" + SUPER_DIGEST,
                "-Dzookeeper.authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
                "-Dzookeeper.authProvider.2=org.apache.zookeeper.server.auth.X509AuthenticationProvider",
                "-Dzookeeper.admin.enableServer=false",
                ZkChildProcess.class.getName(), dataDir.toString(), logDir.toString(), Integer.toString(snapCount))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.startsWith("port ")) {
                return new ZkChildProcess(p, Integer.parseInt(line.substring(5).trim()));
            }
        }
        p.destroyForcibly();
        throw new IOException("the ZooKeeper child process ended before serving");
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: no snapshot, no shutdown; whatever the log holds is what a restart finds. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    public static void main(String[] args) throws Exception {
        // Quiet: only the port line goes to stdout.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        SyncRequestProcessor.setSnapCount(Integer.parseInt(args[2]));
        File data = new File(args[0]);
        File log = new File(args[1]);
        // FileTxnSnapLog(logDir, snapDir): ZooKeeperServer(File, File, int) names them the other way round.
        ZooKeeperServer zks = new ZooKeeperServer(new FileTxnSnapLog(log, data), 2000, "");
        zks.setMaxSessionTimeout(600_000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 500);
        factory.startup(zks);
        System.out.println("port " + factory.getLocalPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
