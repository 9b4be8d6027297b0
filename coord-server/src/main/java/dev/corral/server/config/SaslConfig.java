package dev.corral.server.config;

import java.util.List;
import java.util.Set;

/**
 * SASL on the client port and enforced authentication, read from ZooKeeper's keys by {@link SaslCfg}: each may come
 * from zoo.cfg ({@code enforce.auth.enabled}) or as the system property ZooKeeper reads
 * ({@code zookeeper.enforce.auth.enabled}); zoo.cfg wins, as ZooKeeper copies its unknown keys into those properties.
 *
 * @param loginContext         the JAAS section of the server's login ({@code zookeeper.sasl.serverconfig}, Server)
 * @param loginContextRequired the section name or a JAAS file was given explicitly: a missing section then stops
 *                             start-up, as in ZooKeeper (otherwise the server runs without SASL)
 * @param saslScheme           {@code authProvider.N} names SASLAuthenticationProvider: the {@code sasl} ACL scheme
 *                             exists (valid, matched, expanded from {@code auth})
 * @param superUsers           {@code zookeeper.superUser} and {@code zookeeper.superUser.*}: SASL ids that also gain
 *                             {@code super}
 * @param superPassword        {@code SASLAuthenticationProvider.superPassword}: the DIGEST-MD5 password of user
 *                             {@code super}, or null
 * @param removeHostFromPrincipal  {@code kerberos.removeHostFromPrincipal}
 * @param removeRealmFromPrincipal {@code kerberos.removeRealmFromPrincipal}
 * @param authToLocal          {@code security.auth_to_local}: Kerberos name mapping rules (DEFAULT)
 * @param letAnySaslUserDoX    {@code letAnySaslUserDoX}: a {@code sasl} ACL id every SASL user matches, or null
 * @param allowSaslFailedClients {@code allowSaslFailedClients}: a failed SASL exchange keeps the connection
 * @param enforceSchemes       the schemes a connection must hold an id of before anything but auth and SASL
 *                             ({@code enforce.auth.enabled}/{@code enforce.auth.schemes}, or
 *                             {@code sessionRequireClientSASLAuth}); empty when not enforced
 */
public record SaslConfig(String loginContext, boolean loginContextRequired, boolean saslScheme,
                         Set<String> superUsers, String superPassword, boolean removeHostFromPrincipal,
                         boolean removeRealmFromPrincipal, String authToLocal, String letAnySaslUserDoX,
                         boolean allowSaslFailedClients, List<String> enforceSchemes) {

    public static final String DEFAULT_LOGIN_CONTEXT = "Server";

    /** No JAAS section demanded, no sasl scheme, nothing enforced: what a config built in code gets. */
    public static final SaslConfig NONE = new SaslConfig(DEFAULT_LOGIN_CONTEXT, false, false, Set.of(), null, false,
            false, "DEFAULT", null, false, List.of());

    /** Whether a connection must authenticate before its other requests are served. */
    public boolean enforced() {
        return !enforceSchemes.isEmpty();
    }

    /** ZooKeeper's isSaslAuthRequired: a failed SASL exchange then answers SESSIONCLOSEDREQUIRESASLAUTH. */
    public boolean saslRequired() {
        return enforceSchemes.contains("sasl");
    }

    public SaslConfig withEnforcedSchemes(List<String> schemes) {
        return new SaslConfig(loginContext, loginContextRequired, saslScheme, superUsers, superPassword,
                removeHostFromPrincipal, removeRealmFromPrincipal, authToLocal, letAnySaslUserDoX,
                allowSaslFailedClients, List.copyOf(schemes));
    }
}
