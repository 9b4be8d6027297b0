package dev.corral.server.tls;

import dev.corral.server.CorralServer;
import dev.corral.server.config.ZooCfg;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;

/**
 * The two servers the TLS tests compare, started from the same zoo.cfg keys: Corral reads them as zoo.cfg does;
 * the embedded ZooKeeper 3.9.5 gets them as QuorumPeerConfig passes them on, as {@code zookeeper.<key>} system
 * properties (so only one ZooKeeper may run at a time, and {@link #clearProperties} must follow it).
 */
public final class TlsTargets {
    private TlsTargets() {
    }

    /** A running server: its TLS port (or unified port) and its plain port, if it has one. */
    public interface Target extends AutoCloseable {
        String name();

        /** host:port of the port TLS clients use. */
        String tlsAddress();

        /** host:port of the plain port, or null. */
        String plainAddress();

        @Override
        void close();
    }

    /** The keys both servers get for a TLS-only client port with client certificates required. */
    public static Map<String, String> secureKeys(TestCerts certs) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("ssl.keyStore.location", certs.path("server.p12"));
        keys.put("ssl.keyStore.password", TestCerts.PASSWORD);
        keys.put("ssl.trustStore.location", certs.path("trust.p12"));
        keys.put("ssl.trustStore.password", TestCerts.PASSWORD);
        keys.put("ssl.clientAuth", "need");
        keys.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        keys.put("X509AuthenticationProvider.superUser", TestCerts.ADMIN);
        keys.put("4lw.commands.whitelist", "*");
        return keys;
    }

    /**
     * Corral from zoo.cfg keys: {@code unified} gives one plain port with client.portUnification, otherwise a
     * plain port and a secureClientPort side by side.
     */
    public static Target corral(Path dir, Map<String, String> keys, boolean unified) throws Exception {
        Properties props = new Properties();
        props.putAll(keys);
        props.put("dataDir", dir.resolve("corral").toString());
        props.put("clientPort", "0");
        props.put("clientPortAddress", "127.0.0.1");
        if (unified) {
            props.put("client.portUnification", "true");
        } else {
            props.put("secureClientPort", "0");
            props.put("secureClientPortAddress", "127.0.0.1");
        }
        CorralServer server = CorralServer.start(ZooCfg.parse(props, dir));
        return new Target() {
            @Override
            public String name() {
                return "corral";
            }

            @Override
            public String tlsAddress() {
                return "127.0.0.1:" + (unified ? server.port() : server.securePort());
            }

            @Override
            public String plainAddress() {
                return "127.0.0.1:" + server.port();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /**
     * ZooKeeper 3.9.5 with Netty: a secure-only factory, as ZooKeeperServerMain makes for secureClientPort, or a
     * plain factory with client.portUnification.
     */
    public static Target zookeeper(Path dir, Map<String, String> keys, boolean unified) throws Exception {
        keys.forEach((k, v) -> System.setProperty("zookeeper." + k, v));
        System.setProperty("zookeeper.serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        if (unified) {
            System.setProperty("zookeeper.client.portUnification", "true");
        }
        // The registry builds its providers (and the x509 provider its trust manager) once per JVM: start afresh.
        ProviderRegistry.reset();
        File data = Files.createDirectories(dir.resolve("zk")).toFile();
        ZooKeeperServer zks = new ZooKeeperServer(data, data, 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
        factory.configure(new InetSocketAddress("127.0.0.1", 0), 100, -1, !unified);
        factory.startup(zks);
        int port = factory.getLocalPort();
        return new Target() {
            @Override
            public String name() {
                return "zookeeper";
            }

            @Override
            public String tlsAddress() {
                return "127.0.0.1:" + port;
            }

            @Override
            public String plainAddress() {
                return unified ? "127.0.0.1:" + port : null;
            }

            @Override
            public void close() {
                factory.shutdown();
                zks.shutdown();
                clearProperties(keys);
            }
        };
    }

    public static void clearProperties(Map<String, String> keys) {
        keys.keySet().forEach(k -> System.clearProperty("zookeeper." + k));
        System.clearProperty("zookeeper.serverCnxnFactory");
        System.clearProperty("zookeeper.client.portUnification");
        ProviderRegistry.reset();
    }
}
