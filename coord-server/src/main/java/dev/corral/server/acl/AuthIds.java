package dev.corral.server.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.data.Id;

/** Turns credentials into the ids that ACLs name (the digest scheme's {@code user:base64(sha1(user:password))}). */
public final class AuthIds {
    private AuthIds() {
    }

    /** The digest id for {@code user:password}, as DigestAuthenticationProvider.generateDigest computes it. */
    public static String digest(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        String user = colon < 0 ? userColonPassword : userColonPassword.substring(0, colon);
        try {
            byte[] sha = MessageDigest.getInstance("SHA1").digest(userColonPassword.getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA1", e);
        }
    }

    /**
     * {@code ids} without duplicates, in the order ZooKeeper lists a connection's auth info: it keeps them in a
     * ConcurrentHashMap key set, so whoAmI and the expansion of the {@code auth} ACL follow the ids' hash order. The
     * same set, filled in the same order, iterates the same way here.
     */
    public static List<Id> inZooKeeperOrder(List<Id> ids) {
        Set<Id> set = ConcurrentHashMap.newKeySet();
        set.addAll(ids);
        return new ArrayList<>(set);
    }

    /**
     * The ids of an authenticated client certificate's subject (RFC 2253), as X509AuthenticationProvider gives them:
     * {@code super:<subject>} first when it is the configured superUser, then {@code x509:<subject>}.
     */
    public static List<Id> x509(String subject, String superUser) {
        List<Id> ids = new ArrayList<>(2);
        if (subject.equals(superUser)) {
            ids.add(new Id("super", subject));
        }
        ids.add(new Id("x509", subject));
        return List.copyOf(ids);
    }

    public static Id ip(String address) {
        return new Id("ip", address);
    }
}
