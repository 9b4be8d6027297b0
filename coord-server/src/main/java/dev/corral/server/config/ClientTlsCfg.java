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
 * Reads the client TLS and x509 keys into a {@link ClientTlsConfig}. ZooKeeper turns every zoo.cfg key it does not
 * know itself into the system property {@code zookeeper.<key>} and reads the TLS settings from there, so a key may
 * come from zoo.cfg ({@code ssl.keyStore.location}) or the JVM ({@code -Dzookeeper.ssl.keyStore.location}); zoo.cfg
 * wins. ZooKeeper checks most of these values only when a TLS connection arrives; Corral checks them, and loads the
 * stores, before it starts, so a bad value stops start-up with the key named.
 */
public final class ClientTlsCfg {
    private static final Logger LOG = LoggerFactory.getLogger(ClientTlsCfg.class);

    static final String X509_PROVIDER = "org.apache.zookeeper.server.auth.X509AuthenticationProvider";
    private static final String AUTH_PROVIDER_PREFIX = "authProvider.";

    /** Keys read here (zoo.cfg spelling). */
    private static final Set<String> KEYS = Set.of(
            "secureClientPort", "secureClientPortAddress", "client.portUnification",
            "ssl.keyStore.location", "ssl.keyStore.password", "ssl.keyStore.passwordPath", "ssl.keyStore.type",
            "ssl.trustStore.location", "ssl.trustStore.password", "ssl.trustStore.passwordPath",
            "ssl.trustStore.type", "ssl.protocol", "ssl.enabledProtocols", "ssl.ciphersuites", "ssl.clientAuth",
            "ssl.hostnameVerification", "ssl.clientHostnameVerification", "ssl.crl", "ssl.ocsp", "ssl.authProvider",
            "X509AuthenticationProvider.superUser",
            // Accepted with no effect: Corral always serves clients with Netty and the JDK's TLS; its trust manager
            // is always the JDK's own (ZooKeeper's FIPS mode, its default), so reverse DNS never enters into it.
            "serverCnxnFactory", "ssl.sslProvider", "fips-mode", "ssl.allowReverseDnsLookup",
            "ssl.handshakeDetectionTimeoutMillis", "netty.server.outstandingHandshake.limit");

    private ClientTlsCfg() {
    }

    /** Whether ZooCfg should leave {@code key} to this class (no unknown-key warning). */
    static boolean isKey(String key, String value) {
        return KEYS.contains(key) || key.startsWith(AUTH_PROVIDER_PREFIX) && X509_PROVIDER.equals(value);
    }

    /** Parses the TLS keys of {@code values} (zoo.cfg, trimmed); system properties fill in what zoo.cfg lacks. */
    public static ClientTlsConfig parse(Map<String, String> values) throws ConfigException {
        SslKeys.Source src = new SslKeys.Source(values);
        int securePort = -1;
        if (src.get("secureClientPort") != null) {
            securePort = port(src, "secureClientPort");
        } else if (src.get("secureClientPortAddress") != null) {
            throw new ConfigException("secureClientPortAddress is set but secureClientPort is not set");
        }
        String securePortAddress = src.get("secureClientPortAddress");
        boolean unification = src.bool("client.portUnification", false);
        boolean tls = securePort >= 0 || unification;

        boolean x509Configured = false;
        for (Map.Entry<String, String> e : src.withPrefix(AUTH_PROVIDER_PREFIX).entrySet()) {
            String scheme = e.getKey().substring(AUTH_PROVIDER_PREFIX.length());
            if (scheme.equals("x509") && !X509_PROVIDER.equals(e.getValue())) {
                throw new ConfigException("invalid value for key '" + e.getKey() + "': '" + e.getValue()
                        + "' (Corral's x509 scheme is " + X509_PROVIDER + "; other classes cannot be loaded)");
            }
            x509Configured |= X509_PROVIDER.equals(e.getValue());
        }
        String superUser = src.get("X509AuthenticationProvider.superUser");
        if (!tls) {
            for (String key : List.of("ssl.keyStore.location", "ssl.trustStore.location")) {
                if (values.containsKey(key)) {
                    LOG.info("zoo.cfg: {} is set but neither secureClientPort nor client.portUnification is: "
                            + "clients are served without TLS", key);
                }
            }
            return new ClientTlsConfig(-1, null, false, null, null, List.of(), List.of(), ClientAuth.NEED, false,
                    false, false, x509Configured, superUser);
        }
        checkAuthProvider(src);
        if (src.get("ssl.context.supplier.class") != null) {
            throw new ConfigException("key 'ssl.context.supplier.class' is not supported by Corral: configure the "
                    + "stores with ssl.keyStore.* and ssl.trustStore.*");
        }
        String sslProvider = src.get("ssl.sslProvider");
        if (sslProvider != null && !sslProvider.equalsIgnoreCase("JDK")) {
            LOG.warn("ssl.sslProvider={} ignored: Corral uses the JDK's TLS implementation", sslProvider);
        }
        if (src.bool("client.certReload", false)) {
            LOG.warn("client.certReload ignored: Corral reads the key and trust stores at start-up only");
        }

        Store keyStore = SslKeys.store(src, "ssl.keyStore");
        if (keyStore == null) {
            throw new ConfigException("ssl.keyStore.location is not set: a TLS client port ("
                    + (securePort >= 0 ? "secureClientPort" : "client.portUnification") + ") needs the server's key");
        }
        Store trustStore = SslKeys.store(src, "ssl.trustStore");
        boolean crl = src.bool("ssl.crl", false);
        boolean ocsp = src.bool("ssl.ocsp", false);
        ClientAuth clientAuth = SslKeys.clientAuth(src, "ssl");
        boolean hostnameVerification = src.bool("ssl.hostnameVerification", true);
        boolean clientHostnameVerification = src.bool("ssl.clientHostnameVerification", false);

        SSLParameters supported = SslKeys.supportedParameters();
        // ZooKeeper's server enables ssl.protocol alone (TLSv1.3 by default), not the JDK's default set.
        List<String> protocols = SslKeys.protocols(src, "ssl", supported);
        List<String> cipherSuites = SslKeys.cipherSuites(src, "ssl", supported);

        // Load both stores now: a missing file or a wrong password must stop start-up, not every handshake.
        KeyMaterial.keyManager(keyStore);
        if (trustStore != null) {
            KeyMaterial.trustManager(trustStore, crl, ocsp);
        }
        return new ClientTlsConfig(securePort, securePortAddress, unification, keyStore, trustStore, protocols,
                cipherSuites, clientAuth, hostnameVerification && clientHostnameVerification, crl, ocsp, true,
                superUser);
    }

    /** ZooKeeper's configureSSLAuth: the TLS scheme must name an x509 provider ("x509" registers itself). */
    private static void checkAuthProvider(SslKeys.Source src) throws ConfigException {
        String scheme = src.get("ssl.authProvider");
        if (scheme == null || scheme.equals("x509")) {
            return;
        }
        String provider = src.get(AUTH_PROVIDER_PREFIX + scheme);
        if (provider == null) {
            throw new ConfigException("No auth provider configured for the SSL authentication scheme '" + scheme
                    + "' (key 'ssl.authProvider'; set authProvider." + scheme + ")");
        }
        if (!X509_PROVIDER.equals(provider)) {
            throw new ConfigException("invalid value for key 'ssl.authProvider': '" + scheme + "' names "
                    + provider + "; Corral authenticates TLS clients with " + X509_PROVIDER + " only");
        }
    }

    private static int port(SslKeys.Source src, String key) throws ConfigException {
        String text = src.get(key);
        try {
            int v = Integer.parseInt(text);
            if (v >= 0 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected 0..65535)");
    }
}
