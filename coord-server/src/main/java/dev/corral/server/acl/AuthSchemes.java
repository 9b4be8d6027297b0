package dev.corral.server.acl;

import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * The ACL schemes a server has providers for, as ZooKeeper's ProviderRegistry holds them: ip and digest always,
 * x509 when TLS is on or {@code authProvider.x509} names X509AuthenticationProvider, sasl when an
 * {@code authProvider.N} names SASLAuthenticationProvider. An ACL naming a scheme without a provider is INVALIDACL,
 * no id matches it, and only a provider's {@code isAuthenticated} schemes expand the {@code auth} ACL.
 *
 * @param letAnySaslUserDoX a {@code sasl} ACL id that every SASL id matches ({@code zookeeper.letAnySaslUserDoX}),
 *                          or null
 * @param skipAcl           {@code skipACL=yes}: no ACL is checked at all (ZooKeeper's checkACL returns at once)
 */
public record AuthSchemes(boolean x509, boolean sasl, String letAnySaslUserDoX, boolean skipAcl) {
    public static final AuthSchemes DEFAULT = new AuthSchemes(false, false, null, false);

    /** SASLAuthenticationProvider.isValid: a Kerberos name, {@code service[/host]@realm} or a name without '@'. */
    private static final Pattern KERBEROS_NAME = Pattern.compile("([^/@]*)(/([^/@]*))?@([^/@]*)");

    public AuthSchemes(boolean x509) {
        this(x509, false, null, false);
    }

    /** Whether ZooKeeper would have a provider for {@code scheme} (whoAmI names users only through one). */
    public boolean hasProvider(String scheme) {
        return switch (scheme) {
            case "ip", "digest" -> true;
            case "x509" -> x509;
            case "sasl" -> sasl;
            default -> false;
        };
    }

    /** Whether an ACL entry {@code scheme:id} may be set (the provider's isValid). */
    boolean isValid(String scheme, String id) {
        return switch (scheme) {
            case "digest" -> id.split(":").length == 2;
            case "ip" -> AclRules.isIpAcl(id);
            case "x509" -> x509 && isX500Name(id);
            case "sasl" -> sasl && (KERBEROS_NAME.matcher(id).matches() || !id.contains("@"));
            default -> false;
        };
    }

    /**
     * Whether an id of {@code scheme} stands for an authenticated identity, so that the {@code auth} ACL expands to
     * it. {@code super} has no provider in ZooKeeper and is skipped, as ZooKeeper skips it.
     */
    boolean isAuthenticated(String scheme) {
        return "digest".equals(scheme) || x509 && "x509".equals(scheme) || sasl && "sasl".equals(scheme);
    }

    /**
     * SASLAuthenticationProvider.matches: the same id, or the SASL id {@code super}, or any SASL id when the ACL
     * names {@code letAnySaslUserDoX}; nothing matches without the provider.
     */
    boolean saslMatches(String authId, String aclId) {
        return sasl && (authId.equals("super") || authId.equals(aclId) || aclId.equals(letAnySaslUserDoX));
    }

    private static boolean isX500Name(String id) {
        try {
            new X500Principal(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
