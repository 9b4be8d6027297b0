package dev.corral.server.sasl;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ZooCfg;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.Configuration;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;

/**
 * The two servers the SASL tests compare, started from the same zoo.cfg keys: Corral reads them as zoo.cfg does;
 * the embedded ZooKeeper 3.9.5 gets them as its config parser passes them on, as {@code zookeeper.<key>} system
 * properties (so one ZooKeeper at a time). The JAAS file is JVM-wide: {@link #useJaas} points both servers and every
 * client in the JVM at it, {@link #clearJaas} undoes it.
 */
final class SaslTargets {
    static final String SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";

    private SaslTargets() {
    }

    /** A running server's client port. */
    interface Target extends AutoCloseable {
        String name();

        /** host:port for clients. */
        String address();

        @Override
        void close();
    }

    /** Writes {@code text} as the JVM's JAAS file and makes the JDK read it afresh. */
    static Path useJaas(Path dir, String text) throws IOException {
        Path file = dir.resolve("jaas-" + System.nanoTime() + ".conf");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.setProperty("java.security.auth.login.config", file.toString());
        Configuration.setConfiguration(null);
        return file;
    }

    static void clearJaas() {
        System.clearProperty("java.security.auth.login.config");
        Configuration.setConfiguration(null);
    }

    static Target corral(Path dir, Map<String, String> keys) throws Exception {
        Properties props = new Properties();
        props.putAll(keys);
        props.put("dataDir", dir.resolve("corral").toString());
        props.put("clientPort", "0");
        props.put("clientPortAddress", "127.0.0.1");
        CorralServer server = CorralServer.start(ZooCfg.parse(props, dir));
        return new Target() {
            @Override
            public String name() {
                return "corral";
            }

            @Override
            public String address() {
                return "localhost:" + server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** ZooKeeper 3.9.5 (its default NIO factory), the keys set as it sets them: {@code zookeeper.<key>}. */
    static Target zookeeper(Path dir, Map<String, String> keys) throws Exception {
        keys.forEach((k, v) -> System.setProperty("zookeeper." + k, v));
        // The registry builds its providers once per JVM: start afresh so authProvider.N counts.
        ProviderRegistry.reset();
        ZooKeeperServer zks;
        try {
            File data = Files.createDirectories(dir.resolve("zk")).toFile();
            zks = new ZooKeeperServer(data, data, 2000);
        } catch (RuntimeException | IOException e) {
            clearProperties(keys);
            throw e;
        }
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
        factory.configure(new InetSocketAddress("127.0.0.1", 0), 100);
        factory.startup(zks);
        int port = factory.getLocalPort();
        return new Target() {
            @Override
            public String name() {
                return "zookeeper";
            }

            @Override
            public String address() {
                return "localhost:" + port;
            }

            @Override
            public void close() {
                factory.shutdown();
                zks.shutdown();
                clearProperties(keys);
            }
        };
    }

    static void clearProperties(Map<String, String> keys) {
        keys.keySet().forEach(k -> System.clearProperty("zookeeper." + k));
        ProviderRegistry.reset();
    }
}
