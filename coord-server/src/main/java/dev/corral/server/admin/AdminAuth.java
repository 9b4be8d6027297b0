package dev.corral.server.admin;

import dev.corral.server.acl.AuthIds;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.Id;

/**
 * The identities an {@code Authorization} header stands for, as ZooKeeper's admin Commands.handleAuthentication
 * reads it: {@code <scheme>} or {@code <scheme> <auth data>} (one space). {@code digest user:password} gives the
 * digest id (and {@code super} when it is the superDigest), {@code ip} the peer's address, {@code x509} the subject
 * of the client certificate of an HTTPS request ({@link AdminX509}). Any other scheme authenticates no one.
 */
final class AdminAuth {
    private AdminAuth() {
    }

    /** The ids, or null when the header authenticates no one (ZooKeeper's AuthFailedException: 401). */
    static List<Id> authenticate(String header, String remoteIp, String superDigest,
                                 List<X509Certificate> chain, AdminX509 x509) {
        String[] parts = header.split(" ");
        if (parts.length != 1 && parts.length != 2) {
            return null;
        }
        List<Id> ids = new ArrayList<>();
        switch (parts[0]) {
            case "digest" -> {
                if (parts.length != 2) {
                    // ZooKeeper's digest provider fails on absent auth data (a RuntimeException: not authenticated).
                    return null;
                }
                String id = AuthIds.digest(parts[1]);
                ids.add(new Id("digest", id));
                if (id.equals(superDigest)) {
                    ids.add(new Id("super", ""));
                }
            }
            case "ip" -> ids.add(AuthIds.ip(remoteIp));
            // Like ZooKeeper's, the x509 provider ignores any auth data: the certificate is the credential.
            case "x509" -> {
                if (!x509.registered()) {
                    return null;
                }
                ids.addAll(x509.authenticate(chain));
            }
            default -> {
                return null;
            }
        }
        return ids;
    }
}
