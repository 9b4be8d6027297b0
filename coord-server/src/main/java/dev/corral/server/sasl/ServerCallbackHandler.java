package dev.corral.server.sasl;

import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a SaslServer's callbacks as ZooKeeper's SaslServerCallbackHandler does: DIGEST-MD5 passwords from the JAAS
 * section's {@code user_<name>} options, and the authorized id every mechanism ends with: the authenticated name's
 * short name, then {@code /host} and {@code @realm} unless the kerberos.remove* settings drop them. One per exchange:
 * it remembers the user named in the exchange.
 */
final class ServerCallbackHandler implements javax.security.auth.callback.CallbackHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCallbackHandler.class);

    private final Map<String, String> credentials;
    private final String superPassword;
    private final boolean removeHost;
    private final boolean removeRealm;
    private final List<KerberosName.Rule> rules;
    private final String defaultRealm;
    private String userName;

    ServerCallbackHandler(Map<String, String> credentials, String superPassword, boolean removeHost,
                          boolean removeRealm, List<KerberosName.Rule> rules, String defaultRealm) {
        this.credentials = credentials;
        this.superPassword = superPassword;
        this.removeHost = removeHost;
        this.removeRealm = removeRealm;
        this.rules = rules;
        this.defaultRealm = defaultRealm;
    }

    @Override
    public void handle(Callback[] callbacks) {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback nc) {
                // An unknown user gets no name (and so no password): the exchange fails in the mechanism.
                if (credentials.get(nc.getDefaultName()) == null) {
                    LOG.warn("User '{}' not found in list of DIGEST-MD5 authenticateable users.",
                            nc.getDefaultName());
                } else {
                    nc.setName(nc.getDefaultName());
                    userName = nc.getDefaultName();
                }
            } else if (callback instanceof PasswordCallback pc) {
                if ("super".equals(userName) && superPassword != null) {
                    pc.setPassword(superPassword.toCharArray());
                } else if (credentials.containsKey(userName)) {
                    pc.setPassword(credentials.get(userName).toCharArray());
                } else {
                    LOG.warn("No password found for user: {}", userName);
                }
            } else if (callback instanceof RealmCallback rc) {
                rc.setText(rc.getDefaultText());
            } else if (callback instanceof AuthorizeCallback ac) {
                authorize(ac);
            }
        }
    }

    private void authorize(AuthorizeCallback ac) {
        String authenticationId = ac.getAuthenticationID();
        LOG.info("Successfully authenticated client: authenticationID={};  authorizationID={}.", authenticationId,
                ac.getAuthorizationID());
        ac.setAuthorized(true);
        KerberosName name = KerberosName.parse(authenticationId);
        String shortName = name.shortName(rules, defaultRealm);
        if (shortName == null) {
            // ZooKeeper logs the failed mapping and leaves the mechanism's own authorization id.
            LOG.error("Failed to set name based on Kerberos authentication rules: no rule applies to {}",
                    authenticationId);
            return;
        }
        StringBuilder id = new StringBuilder(shortName);
        if (!removeHost && name.hostName() != null) {
            id.append('/').append(name.hostName());
        }
        if (!removeRealm && name.realm() != null) {
            id.append('@').append(name.realm());
        }
        ac.setAuthorizedID(id.toString());
    }
}
