package dev.corral.server.config;

import dev.corral.server.config.ClientTlsConfig.ClientAuth;
import dev.corral.server.config.ClientTlsConfig.Store;
import dev.corral.server.config.ClientTlsConfig.StoreType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
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
        Source src = new Source(values);
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

        Store keyStore = store(src, "ssl.keyStore");
        if (keyStore == null) {
            throw new ConfigException("ssl.keyStore.location is not set: a TLS client port ("
                    + (securePort >= 0 ? "secureClientPort" : "client.portUnification") + ") needs the server's key");
        }
        Store trustStore = store(src, "ssl.trustStore");
        boolean crl = src.bool("ssl.crl", false);
        boolean ocsp = src.bool("ssl.ocsp", false);
        ClientAuth clientAuth = clientAuth(src.get("ssl.clientAuth"));
        boolean hostnameVerification = src.bool("ssl.hostnameVerification", true);
        boolean clientHostnameVerification = src.bool("ssl.clientHostnameVerification", false);

        SSLParameters supported = supportedParameters();
        List<String> protocols;
        String enabled = src.get("ssl.enabledProtocols");
        if (enabled != null) {
            protocols = checkedList(enabled, supported.getProtocols(), "ssl.enabledProtocols", "protocol");
        } else {
            // ZooKeeper's server enables ssl.protocol alone (TLSv1.3 by default), not the JDK's default set.
            String protocol = src.get("ssl.protocol");
            protocols = checkedList(protocol == null ? defaultProtocol(supported) : protocol,
                    supported.getProtocols(), "ssl.protocol", "protocol");
        }
        String ciphers = src.get("ssl.ciphersuites");
        List<String> cipherSuites = ciphers == null ? defaultCipherSuites(supported)
                : checkedList(ciphers, supported.getCipherSuites(), "ssl.ciphersuites", "cipher suite");

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
    private static void checkAuthProvider(Source src) throws ConfigException {
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

    private static ClientAuth clientAuth(String text) throws ConfigException {
        if (text == null || text.isEmpty()) {
            return ClientAuth.NEED;
        }
        try {
            return ClientAuth.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value for key 'ssl.clientAuth': '" + text
                    + "' (expected none, want or need)");
        }
    }

    private static Store store(Source src, String prefix) throws ConfigException {
        String location = src.get(prefix + ".location");
        if (location == null || location.isEmpty()) {
            return null;
        }
        String password = src.get(prefix + ".password");
        String passwordPath = src.get(prefix + ".passwordPath");
        if (passwordPath != null && !passwordPath.isEmpty()) {
            password = readSecret(prefix + ".passwordPath", passwordPath);
        }
        String typeText = src.get(prefix + ".type");
        StoreType type;
        if (typeText != null && !typeText.isEmpty()) {
            try {
                type = StoreType.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("invalid value for key '" + prefix + ".type': '" + typeText
                        + "' (expected JKS, PKCS12, PEM or BCFKS)");
            }
        } else {
            type = typeFromExtension(location, prefix);
        }
        return new Store(location, password == null ? "" : password, type, prefix);
    }

    /** ZooKeeper's KeyStoreFileType.fromFilename: the extension decides when no type is given. */
    private static StoreType typeFromExtension(String location, String prefix) throws ConfigException {
        int dot = location.lastIndexOf('.');
        String ext = dot < 0 ? "" : location.substring(dot);
        return switch (ext) {
            case ".jks" -> StoreType.JKS;
            case ".pem" -> StoreType.PEM;
            case ".p12" -> StoreType.PKCS12;
            case ".bcfks" -> StoreType.BCFKS;
            default -> throw new ConfigException("cannot tell the type of " + prefix + ".location '" + location
                    + "' from its name: set " + prefix + ".type (JKS, PKCS12 or PEM)");
        };
    }

    /** ZooKeeper's SecretUtils.readSecret: the file's text, less one trailing line separator. */
    private static String readSecret(String key, String path) throws ConfigException {
        try {
            String text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            String sep = System.lineSeparator();
            return text.endsWith(sep) ? text.substring(0, text.length() - sep.length()) : text;
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read the password file named by key '" + key + "': " + path + " ("
                    + e + ")");
        }
    }

    private static SSLParameters supportedParameters() throws ConfigException {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new ConfigException("this JVM offers no TLS implementation: " + e.getMessage());
        }
    }

    /** X509Util.DEFAULT_PROTOCOL: TLSv1.3 where the JDK has it. */
    private static String defaultProtocol(SSLParameters supported) {
        return Arrays.asList(supported.getProtocols()).contains("TLSv1.3") ? "TLSv1.3" : "TLSv1.2";
    }

    /** X509Util's default cipher suites for Java 9 and later (GCM first), less those this JDK lacks. */
    private static List<String> defaultCipherSuites(SSLParameters supported) {
        List<String> preferred = List.of(
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");
        List<String> have = Arrays.asList(supported.getCipherSuites());
        return preferred.stream().filter(have::contains).toList();
    }

    /** A comma-separated list (split as ZooKeeper splits it), every entry one this JDK supports. */
    private static List<String> checkedList(String text, String[] supported, String key, String what)
            throws ConfigException {
        List<String> known = Arrays.asList(supported);
        List<String> out = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!known.contains(item)) {
                throw new ConfigException("invalid value for key '" + key + "': '" + item + "' is not a " + what
                        + " this JVM supports (" + String.join(", ", known) + ")");
            }
            out.add(item);
        }
        return List.copyOf(out);
    }

    private static int port(Source src, String key) throws ConfigException {
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

    /** zoo.cfg values, then {@code zookeeper.<key>} system properties (secureClientPort* are zoo.cfg only). */
    private record Source(Map<String, String> values) {
        String get(String key) {
            String v = values.get(key);
            if (v == null && !key.startsWith("secureClientPort")) {
                v = System.getProperty("zookeeper." + key);
                v = v == null ? null : v.trim();
            }
            return v;
        }

        boolean bool(String key, boolean dflt) throws ConfigException {
            String text = get(key);
            if (text == null || text.isEmpty()) {
                return dflt;
            }
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
        }

        Map<String, String> withPrefix(String prefix) {
            Map<String, String> out = new java.util.TreeMap<>();
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("zookeeper." + prefix)) {
                    out.put(name.substring("zookeeper.".length()), System.getProperty(name).trim());
                }
            }
            values.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }
}
