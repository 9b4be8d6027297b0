package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.ClientAuth;
import dev.corral.server.config.ClientTlsConfig.Store;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code sslQuorum}, {@code portUnification} and the {@code ssl.quorum.*} keys into a {@link QuorumTlsConfig}.
 * As in ZooKeeper's QuorumPeerConfig, the first two are zoo.cfg keys only, while every {@code ssl.quorum.} key may also
 * come as a {@code zookeeper.ssl.quorum.} system property (zoo.cfg wins). ZooKeeper loads the stores when the first
 * quorum connection is made; Corral loads them before it starts, so a bad store stops start-up with the key named.
 */
public final class QuorumTlsCfg {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumTlsCfg.class);
    private static final String PREFIX = "ssl.quorum";

    /** Keys read here (zoo.cfg spelling). */
    private static final Set<String> KEYS = Set.of(
            "sslQuorum", "portUnification",
            "ssl.quorum.keyStore.location", "ssl.quorum.keyStore.password", "ssl.quorum.keyStore.passwordPath",
            "ssl.quorum.keyStore.type", "ssl.quorum.trustStore.location", "ssl.quorum.trustStore.password",
            "ssl.quorum.trustStore.passwordPath", "ssl.quorum.trustStore.type", "ssl.quorum.protocol",
            "ssl.quorum.enabledProtocols", "ssl.quorum.ciphersuites", "ssl.quorum.clientAuth",
            "ssl.quorum.hostnameVerification", "ssl.quorum.clientHostnameVerification", "ssl.quorum.crl",
            "ssl.quorum.ocsp",
            // Accepted with no effect: the JDK provider is the only one, the stores are read once at start-up, and
            // the trust manager is the JDK's own (no reverse DNS).
            "sslQuorumReloadCertFiles", "ssl.quorum.sslProvider", "ssl.quorum.allowReverseDnsLookup",
            "ssl.quorum.handshakeDetectionTimeoutMillis");

    private QuorumTlsCfg() {
    }

    /** Whether ZooCfg should leave {@code key} to this class (no unknown-key warning). */
    static boolean isKey(String key) {
        return KEYS.contains(key);
    }

    /** Parses the quorum TLS keys of {@code values} (zoo.cfg, trimmed); system properties fill in ssl.quorum.*. */
    public static QuorumTlsConfig parse(Map<String, String> values) throws ConfigException {
        boolean sslQuorum = zooCfgBool(values, "sslQuorum");
        boolean unification = zooCfgBool(values, "portUnification");
        if (!sslQuorum && !unification) {
            if (values.containsKey("ssl.quorum.keyStore.location")) {
                LOG.info("zoo.cfg: ssl.quorum.keyStore.location is set but neither sslQuorum nor portUnification "
                        + "is: the quorum stays plain");
            }
            return QuorumTlsConfig.OFF;
        }
        SslKeys.Source src = new SslKeys.Source(values);
        if (src.get("ssl.quorum.context.supplier.class") != null) {
            throw new ConfigException("key 'ssl.quorum.context.supplier.class' is not supported by Corral: "
                    + "configure the stores with ssl.quorum.keyStore.* and ssl.quorum.trustStore.*");
        }
        String provider = src.get("ssl.quorum.sslProvider");
        if (provider != null && !provider.equalsIgnoreCase("JDK")) {
            LOG.warn("ssl.quorum.sslProvider={} ignored: Corral uses the JDK's TLS implementation", provider);
        }
        String needs = sslQuorum ? "sslQuorum=true" : "portUnification=true";
        Store keyStore = SslKeys.store(src, PREFIX + ".keyStore");
        if (keyStore == null) {
            // ZooKeeper would start and fail every TLS quorum connection; a member that cannot join is worse.
            throw new ConfigException("ssl.quorum.keyStore.location is not set: " + needs
                    + " needs this member's key and certificate");
        }
        Store trustStore = SslKeys.store(src, PREFIX + ".trustStore");
        boolean crl = src.bool(PREFIX + ".crl", false);
        boolean ocsp = src.bool(PREFIX + ".ocsp", false);
        ClientAuth clientAuth = SslKeys.clientAuth(src, PREFIX);
        boolean hostnameVerification = src.bool(PREFIX + ".hostnameVerification", true);
        // QuorumX509Util.shouldVerifyClientHostname() is true: a peer dialling in is checked against its address.
        boolean clientHostnameVerify = hostnameVerification
                && src.bool(PREFIX + ".clientHostnameVerification", true);
        SSLParameters supported = SslKeys.supportedParameters();
        List<String> protocols = SslKeys.protocols(src, PREFIX, supported);
        List<String> cipherSuites = SslKeys.cipherSuites(src, PREFIX, supported);

        try {
            KeyMaterial.keyManager(keyStore);
        } catch (ConfigException e) {
            if (keyStore.password().isEmpty()) {
                throw new ConfigException("ssl.quorum.keyStore.password is not set (nor "
                        + "ssl.quorum.keyStore.passwordPath), and ssl.quorum.keyStore.location cannot be read "
                        + "without it: " + e.getMessage());
            }
            throw e;
        }
        if (trustStore != null) {
            KeyMaterial.trustManager(trustStore, crl, ocsp);
        }
        return new QuorumTlsConfig(sslQuorum, unification, keyStore, trustStore, protocols, cipherSuites, clientAuth,
                hostnameVerification, clientHostnameVerify, crl, ocsp);
    }

    /** QuorumPeerConfig.parseBoolean: "true" or "false" (any case), nothing else; zoo.cfg only. */
    private static boolean zooCfgBool(Map<String, String> values, String key) throws ConfigException {
        String text = values.get(key);
        if (text == null) {
            return false;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
    }
}
