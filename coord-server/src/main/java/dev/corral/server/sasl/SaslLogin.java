package dev.corral.server.sasl;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.SaslConfig;
import java.security.Principal;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of SASL, set up once from the JAAS section ZooKeeper reads ({@code Server}, or
 * {@code zookeeper.sasl.serverconfig}): a section with a Krb5LoginModule logs the server's principal in and offers
 * GSSAPI; any other section offers DIGEST-MD5 with its {@code user_<name>="password"} options (ZooKeeper's
 * DigestLoginModule puts nothing else in the subject, so its class is not needed here). Makes one SaslServer per
 * connection.
 */
public final class SaslLogin {
    private static final Logger LOG = LoggerFactory.getLogger(SaslLogin.class);
    private static final String USER_PREFIX = "user_";

    private final SaslConfig config;
    private final Map<String, String> credentials;
    private final Subject kerberosSubject;
    private final List<KerberosName.Rule> rules;
    private final String defaultRealm;

    private SaslLogin(SaslConfig config, Map<String, String> credentials, Subject kerberosSubject) {
        this.config = config;
        this.credentials = credentials;
        this.kerberosSubject = kerberosSubject;
        this.rules = KerberosName.parseRules(config.authToLocal());
        this.defaultRealm = KerberosName.defaultRealm();
    }

    /**
     * Reads the JAAS section; null when there is none, as ZooKeeper then runs without SASL. A JAAS configuration that
     * cannot be read stops start-up when a JAAS file or section name was given, as it stops ZooKeeper.
     */
    public static SaslLogin open(SaslConfig config) throws ConfigException {
        String section = config.loginContext();
        AppConfigurationEntry[] entries;
        try {
            entries = Configuration.getConfiguration().getAppConfigurationEntry(section);
        } catch (SecurityException e) {
            if (config.loginContextRequired()) {
                String file = System.getProperty("java.security.auth.login.config");
                throw new ConfigException("No JAAS configuration section named '" + section + "' was found"
                        + (file != null ? " in '" + file + "'" : "") + " (key 'sasl.serverconfig', system property "
                        + "java.security.auth.login.config): " + e.getMessage());
            }
            return null;
        }
        if (entries == null) {
            return null;
        }
        Map<String, String> credentials = new HashMap<>();
        boolean kerberos = false;
        for (AppConfigurationEntry entry : entries) {
            kerberos |= entry.getLoginModuleName().endsWith(".Krb5LoginModule");
            entry.getOptions().forEach((k, v) -> {
                if (k.startsWith(USER_PREFIX)) {
                    credentials.put(k.substring(USER_PREFIX.length()), String.valueOf(v));
                }
            });
        }
        Subject subject = null;
        if (kerberos) {
            try {
                LoginContext login = new LoginContext(section, new Subject(), null, Configuration.getConfiguration());
                login.login();
                subject = login.getSubject();
            } catch (LoginException e) {
                throw new ConfigException("Could not configure server because SASL configuration did not allow the "
                        + "server to authenticate itself properly (JAAS section '" + section + "'): " + e);
            }
            LOG.info("SASL: JAAS section '{}' logged in as {}: GSSAPI", section, subject.getPrincipals());
        } else {
            LOG.info("SASL: JAAS section '{}': DIGEST-MD5 for {} users", section, credentials.size());
        }
        // A HashMap as ZooKeeper's: the callbacks look up a null name when the user is unknown.
        return new SaslLogin(config, java.util.Collections.unmodifiableMap(credentials), subject);
    }

    /**
     * A SaslServer for one connection, or null if none can be made (logged), as ZooKeeper's createSaslServer
     * returns null.
     */
    public SaslServer newServer() {
        ServerCallbackHandler handler = new ServerCallbackHandler(credentials, config.superPassword(),
                config.removeHostFromPrincipal(), config.removeRealmFromPrincipal(), rules, defaultRealm);
        if (kerberosSubject == null || kerberosSubject.getPrincipals().isEmpty()) {
            try {
                return Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", null, handler);
            } catch (SaslException e) {
                LOG.error("failed to create a DIGEST-MD5 SaslServer", e);
                return null;
            }
        }
        // The service and host come from the server's principal, service/host@REALM.
        Principal principal = kerberosSubject.getPrincipals().iterator().next();
        String name = principal.getName();
        int slash = name.indexOf('/');
        int at = name.indexOf('@', slash + 1);
        if (slash < 0 || at < 0) {
            LOG.error("server principal name/hostname determination error: '{}' is not service/host@REALM", name);
            return null;
        }
        String service = name.substring(0, slash);
        String host = name.substring(slash + 1, at);
        try {
            return Subject.doAs(kerberosSubject, (PrivilegedExceptionAction<SaslServer>)
                    () -> Sasl.createSaslServer("GSSAPI", service, host, null, handler));
        } catch (java.security.PrivilegedActionException e) {
            LOG.error("failed to create a GSSAPI SaslServer for {}", name, e.getException());
            return null;
        }
    }

    /** Whether {@code id}, an authorized SASL id, is a configured super user ({@code zookeeper.superUser*}). */
    public boolean isSuperUser(String id) {
        return id != null && !id.isEmpty() && config.superUsers().contains(id);
    }
}
