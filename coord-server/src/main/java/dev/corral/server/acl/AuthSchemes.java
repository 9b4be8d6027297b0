package dev.corral.server.acl;

import javax.security.auth.x500.X500Principal;

/**
 * The ACL schemes a server has providers for, as ZooKeeper's ProviderRegistry holds them: ip and digest always,
 * x509 when TLS is on or {@code authProvider.x509} names X509AuthenticationProvider. An ACL naming a scheme without
 * a provider is INVALIDACL, and only a provider's {@code isAuthenticated} schemes expand the {@code auth} ACL.
 */
public record AuthSchemes(boolean x509) {
    public static final AuthSchemes DEFAULT = new AuthSchemes(false);

    /** Whether an ACL entry {@code scheme:id} may be set (the provider's isValid). */
    boolean isValid(String scheme, String id) {
        return switch (scheme) {
            case "digest" -> id.split(":").length == 2;
            case "ip" -> AclRules.isIpAcl(id);
            case "x509" -> x509 && isX500Name(id);
            default -> false;
        };
    }

    /**
     * Whether an id of {@code scheme} stands for an authenticated identity, so that the {@code auth} ACL expands to
     * it. {@code super} has no provider in ZooKeeper and is skipped, as ZooKeeper skips it.
     */
    boolean isAuthenticated(String scheme) {
        return "digest".equals(scheme) || x509 && "x509".equals(scheme);
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
