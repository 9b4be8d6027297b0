package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.Store;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code admin.forceHttps}, {@code admin.portUnification}, {@code admin.needClientAuth},
 * {@code admin.idleTimeout} and {@code admin.httpVersion} (zoo.cfg, or the
 * {@code zookeeper.admin.*} system properties ZooKeeper reads) into an {@link AdminTlsConfig}, loading every store
 * it names now: a missing file or a wrong password stops start-up naming the key, where ZooKeeper's AdminServer
 * fails to start ("Failed to load authentication certificates for admin server").
 */
public final class AdminTlsCfg {
    /** Keys read here that no other parser reads. */
    static final Set<String> KEYS = Set.of("admin.forceHttps", "admin.portUnification", "admin.needClientAuth",
            "admin.idleTimeout", "admin.httpVersion");
    /** Jetty's HttpVersion number for HTTP/1.1, ZooKeeper's default admin.httpVersion: all Corral's port speaks. */
    private static final int HTTP_1_1 = 11;

    private AdminTlsCfg() {
    }

    public static AdminTlsConfig parse(Map<String, String> values) throws ConfigException {
        SslKeys.Source src = new SslKeys.Source(values);
        boolean force = src.bool("admin.forceHttps", false);
        boolean unified = src.bool("admin.portUnification", false);
        boolean needClientAuth = src.bool("admin.needClientAuth", false);
        long idleTimeout = integer(src, "admin.idleTimeout", (int) AdminTlsConfig.DEFAULT_IDLE_TIMEOUT_MS);
        int httpVersion = integer(src, "admin.httpVersion", HTTP_1_1);
        if (!force && !unified) {
            // No client certificate reaches a plain port: the x509 scheme has nothing to check there. ZooKeeper
            // reads admin.httpVersion only for its TLS connector, so here any number goes, as there.
            return new AdminTlsConfig(false, false, needClientAuth, null, null, null, false, false, idleTimeout);
        }
        if (httpVersion != HTTP_1_1) {
            // ZooKeeper names the protocol after TLS with it; with anything but 11 Jetty finds no such connection
            // factory and its AdminServer does not start (ZooKeeper exits). Corral's port speaks HTTP/1.1 only.
            throw new ConfigException("invalid value for key 'admin.httpVersion': '" + httpVersion + "' (an HTTPS "
                    + "admin port speaks HTTP/1.1 only: 11, ZooKeeper's default)");
        }
        Store x509Trust = SslKeys.store(src, "ssl.trustStore");
        boolean crl = src.bool("ssl.crl", false);
        boolean ocsp = src.bool("ssl.ocsp", false);
        if (x509Trust != null) {
            KeyMaterial.trustManager(x509Trust, crl, ocsp);
        }
        Store keyStore = SslKeys.store(src, "ssl.quorum.keyStore");
        if (keyStore == null) {
            throw new ConfigException("ssl.quorum.keyStore.location is not set: an HTTPS admin port ("
                    + (force ? "admin.forceHttps" : "admin.portUnification") + ") needs the server's key, which "
                    + "ZooKeeper's AdminServer takes from the ssl.quorum.keyStore.* keys");
        }
        KeyMaterial.keyManager(keyStore);
        Store trustStore = SslKeys.store(src, "ssl.quorum.trustStore");
        if (trustStore != null) {
            KeyMaterial.trustManager(trustStore, false, false);
        }
        return new AdminTlsConfig(force, unified, needClientAuth, keyStore, trustStore, x509Trust, crl, ocsp,
                idleTimeout);
    }

    /** An integer from zoo.cfg or the {@code zookeeper.<key>} system property; ZooKeeper reads these with getInteger. */
    private static int integer(SslKeys.Source src, String key, int dflt) throws ConfigException {
        String v = src.get(key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            // ZooKeeper's Integer.getInteger silently takes the default; a typo should not pass unseen.
            throw new ConfigException("invalid value for key '" + key + "': '" + v + "' (expected an integer)");
        }
    }
}
