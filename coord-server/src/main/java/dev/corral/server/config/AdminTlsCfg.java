package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.Store;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code admin.forceHttps}, {@code admin.portUnification} and {@code admin.needClientAuth} (zoo.cfg, or the
 * {@code zookeeper.admin.*} system properties ZooKeeper reads) into an {@link AdminTlsConfig}, loading every store
 * it names now: a missing file or a wrong password stops start-up naming the key, where ZooKeeper's AdminServer
 * fails to start ("Failed to load authentication certificates for admin server").
 */
public final class AdminTlsCfg {
    /** Keys read here that no other parser reads. */
    static final Set<String> KEYS = Set.of("admin.forceHttps", "admin.portUnification", "admin.needClientAuth");

    private AdminTlsCfg() {
    }

    public static AdminTlsConfig parse(Map<String, String> values) throws ConfigException {
        SslKeys.Source src = new SslKeys.Source(values);
        boolean force = src.bool("admin.forceHttps", false);
        boolean unified = src.bool("admin.portUnification", false);
        boolean needClientAuth = src.bool("admin.needClientAuth", false);
        if (!force && !unified) {
            // No client certificate reaches a plain port: the x509 scheme has nothing to check there.
            return new AdminTlsConfig(false, false, needClientAuth, null, null, null, false, false);
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
        return new AdminTlsConfig(force, unified, needClientAuth, keyStore, trustStore, x509Trust, crl, ocsp);
    }
}
