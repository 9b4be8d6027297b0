package dev.corral.server.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the SASL and enforced-authentication keys into a {@link SaslConfig}. ZooKeeper reads these settings only as
 * {@code zookeeper.<key>} system properties, which its config parser fills from zoo.cfg's unknown keys; so each key
 * comes from zoo.cfg or from that property, zoo.cfg first. Where ZooKeeper takes any text but "true" as false,
 * Corral refuses a value that is neither true nor false, naming the key.
 */
public final class SaslCfg {
    private static final Logger LOG = LoggerFactory.getLogger(SaslCfg.class);

    static final String SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider";
    private static final String AUTH_PROVIDER_PREFIX = "authProvider.";
    private static final String SUPER_USER = "superUser";

    private static final Set<String> KEYS = Set.of("sasl.serverconfig", "SASLAuthenticationProvider.superPassword",
            "kerberos.removeHostFromPrincipal", "kerberos.removeRealmFromPrincipal", "security.auth_to_local",
            "letAnySaslUserDoX", "allowSaslFailedClients", "enforce.auth.enabled", "enforce.auth.schemes",
            "sessionRequireClientSASLAuth", "requireKerberosConfig");

    /** Quorum SASL: accepted so that a secured zoo.cfg starts, with a warning that peers are not authenticated. */
    private static final Set<String> QUORUM_KEYS = Set.of("quorum.auth.enableSasl", "quorum.auth.learnerRequireSasl",
            "quorum.auth.serverRequireSasl", "quorum.auth.learner.saslLoginContext",
            "quorum.auth.server.saslLoginContext", "quorum.auth.kerberos.servicePrincipal", "quorum.cnxn.threads.size");

    private SaslCfg() {
    }

    /** Whether ZooCfg should leave {@code key} to this class (no unknown-key warning). */
    static boolean isKey(String key, String value) {
        return KEYS.contains(key) || QUORUM_KEYS.contains(key) || key.equals(SUPER_USER)
                || key.startsWith(SUPER_USER + ".")
                || key.startsWith(AUTH_PROVIDER_PREFIX) && SASL_PROVIDER.equals(value);
    }

    /**
     * Parses the keys of {@code values} (zoo.cfg, trimmed); {@code x509} says whether the x509 scheme is registered
     * (an enforced scheme must have a provider, as ZooKeeper's AuthenticationHelper checks).
     */
    public static SaslConfig parse(Map<String, String> values, boolean x509) throws ConfigException {
        Source src = new Source(values);
        String section = src.get("sasl.serverconfig");
        boolean required = section != null || System.getProperty("java.security.auth.login.config") != null;

        boolean saslScheme = false;
        for (Map.Entry<String, String> e : src.withPrefix(AUTH_PROVIDER_PREFIX).entrySet()) {
            saslScheme |= SASL_PROVIDER.equals(e.getValue().trim());
        }
        Set<String> superUsers = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : src.withPrefix(SUPER_USER).entrySet()) {
            String k = e.getKey();
            // ZooKeeper's isSaslSuperUser: zookeeper.superUser or zookeeper.superUser.<anything>
            if (k.equals(SUPER_USER) || k.charAt(SUPER_USER.length()) == '.') {
                superUsers.add(e.getValue());
            }
        }
        String authToLocal = src.get("security.auth_to_local");
        if (authToLocal != null) {
            checkRules(authToLocal);
        }

        List<String> enforced = new ArrayList<>();
        if (src.bool("sessionRequireClientSASLAuth")) {
            enforced.add("sasl");
        } else if (src.bool("enforce.auth.enabled")) {
            String schemes = src.get("enforce.auth.schemes");
            if (schemes == null) {
                throw new ConfigException("enforce.auth.enabled is true but enforce.auth.schemes is not set "
                        + "(key 'enforce.auth.schemes': the schemes a client must authenticate with)");
            }
            for (String s : schemes.split(",")) {
                enforced.add(s.trim());
            }
        }
        for (String scheme : enforced) {
            boolean available = scheme.equals("ip") || scheme.equals("digest") || scheme.equals("x509") && x509
                    || scheme.equals("sasl") && saslScheme;
            if (!available) {
                String key = src.present("sessionRequireClientSASLAuth") && src.bool("sessionRequireClientSASLAuth")
                        ? "sessionRequireClientSASLAuth" : "enforce.auth.schemes";
                throw new ConfigException("invalid value for key '" + key + "': authentication scheme '" + scheme
                        + "' is not available" + (scheme.equals("sasl") ? " (set authProvider.1=" + SASL_PROVIDER
                        + ")" : ""));
            }
        }
        for (String key : QUORUM_KEYS) {
            if (key.equals("quorum.auth.enableSasl") && src.bool(key)) {
                LOG.warn("quorum.auth.enableSasl=true: Corral does not authenticate ensemble members with SASL yet;"
                        + " members talk without it");
            }
        }
        return new SaslConfig(section == null ? SaslConfig.DEFAULT_LOGIN_CONTEXT : section, required, saslScheme,
                Set.copyOf(superUsers), src.get("SASLAuthenticationProvider.superPassword"),
                src.bool("kerberos.removeHostFromPrincipal"), src.bool("kerberos.removeRealmFromPrincipal"),
                authToLocal == null ? "DEFAULT" : authToLocal, src.get("letAnySaslUserDoX"),
                src.bool("allowSaslFailedClients"), List.copyOf(enforced));
    }

    private static void checkRules(String rules) throws ConfigException {
        String remaining = rules.trim();
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile(
                "\\s*((DEFAULT)|(RULE:\\[(\\d*):([^\\]]*)](\\(([^)]*)\\))?(s/([^/]*)/([^/]*)/(g)?)?))");
        while (!remaining.isEmpty()) {
            java.util.regex.Matcher m = rule.matcher(remaining);
            if (!m.lookingAt()) {
                throw new ConfigException("invalid value for key 'security.auth_to_local': invalid rule '"
                        + remaining + "'");
            }
            remaining = remaining.substring(m.end());
        }
    }

    /** zoo.cfg first, then the {@code zookeeper.<key>} system property; names the source in errors. */
    private record Source(Map<String, String> values) {
        String get(String key) {
            String v = values.get(key);
            return v != null ? v : System.getProperty("zookeeper." + key);
        }

        boolean present(String key) {
            return get(key) != null;
        }

        String name(String key) {
            return values.containsKey(key) ? "key '" + key + "'" : "system property 'zookeeper." + key + "'";
        }

        boolean bool(String key) throws ConfigException {
            String v = get(key);
            if (v == null) {
                return false;
            }
            String t = v.trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t);
            }
            throw new ConfigException("invalid value for " + name(key) + ": '" + v + "' (expected true or false)");
        }

        /** Keys starting with {@code prefix} (zoo.cfg spelling), from system properties then zoo.cfg. */
        Map<String, String> withPrefix(String prefix) {
            Map<String, String> out = new java.util.TreeMap<>();
            for (String p : System.getProperties().stringPropertyNames()) {
                if (p.startsWith("zookeeper." + prefix)) {
                    out.put(p.substring("zookeeper.".length()), System.getProperty(p));
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
