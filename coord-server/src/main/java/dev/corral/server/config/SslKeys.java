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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The TLS keys that ZooKeeper's X509Util reads under one prefix ({@code ssl.} for clients, {@code ssl.quorum.} for
 * the quorum): stores, passwords, protocols, cipher suites, client auth. Shared by {@link ClientTlsCfg} and
 * {@link QuorumTlsCfg} so both sides read a key the same way.
 */
final class SslKeys {
    private SslKeys() {
    }

    /**
     * {@code <prefix>.enabledProtocols}, or {@code <prefix>.protocol} alone (TLSv1.3 by default), as X509Util's
     * SSLContextAndOptions enables them on both the client and the quorum side.
     */
    static List<String> protocols(Source src, String prefix, SSLParameters supported) throws ConfigException {
        String enabled = src.get(prefix + ".enabledProtocols");
        if (enabled != null) {
            return checkedList(enabled, supported.getProtocols(), prefix + ".enabledProtocols", "protocol");
        }
        String protocol = src.get(prefix + ".protocol");
        return checkedList(protocol == null ? defaultProtocol(supported) : protocol, supported.getProtocols(),
                prefix + ".protocol", "protocol");
    }

    /** {@code <prefix>.ciphersuites}, or ZooKeeper's default list. */
    static List<String> cipherSuites(Source src, String prefix, SSLParameters supported) throws ConfigException {
        String ciphers = src.get(prefix + ".ciphersuites");
        return ciphers == null ? defaultCipherSuites(supported)
                : checkedList(ciphers, supported.getCipherSuites(), prefix + ".ciphersuites", "cipher suite");
    }

    /** {@code <prefix>.clientAuth}: none, want or need (the default, also for an empty value). */
    static ClientAuth clientAuth(Source src, String prefix) throws ConfigException {
        String text = src.get(prefix + ".clientAuth");
        if (text == null || text.isEmpty()) {
            return ClientAuth.NEED;
        }
        try {
            return ClientAuth.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value for key '" + prefix + ".clientAuth': '" + text
                    + "' (expected none, want or need)");
        }
    }

    /** The store under {@code prefix} ("ssl.keyStore", "ssl.quorum.trustStore"), or null when no location is set. */
    static Store store(Source src, String prefix) throws ConfigException {
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

    static SSLParameters supportedParameters() throws ConfigException {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new ConfigException("this JVM offers no TLS implementation: " + e.getMessage());
        }
    }

    /** X509Util.DEFAULT_PROTOCOL: TLSv1.3 where the JDK has it. */
    static String defaultProtocol(SSLParameters supported) {
        return Arrays.asList(supported.getProtocols()).contains("TLSv1.3") ? "TLSv1.3" : "TLSv1.2";
    }

    /** X509Util's default cipher suites for Java 9 and later (GCM first), less those this JDK lacks. */
    static List<String> defaultCipherSuites(SSLParameters supported) {
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
    static List<String> checkedList(String text, String[] supported, String key, String what)
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

    /** zoo.cfg values, then {@code zookeeper.<key>} system properties (secureClientPort* are zoo.cfg only). */
    record Source(Map<String, String> values) {
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
