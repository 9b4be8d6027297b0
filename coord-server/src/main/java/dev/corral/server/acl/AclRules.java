package dev.corral.server.acl;

import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/** ZooKeeper's ACL rules: who may do what to a node, and which ACL lists a create or setACL may carry. */
public final class AclRules {
    private AclRules() {
    }

    /**
     * Throws NOAUTH unless one of {@code ids} holds {@code perm} on a node with {@code acl}; {@code schemes} says how
     * ids of the optional schemes match.
     */
    public static void check(List<ACL> acl, int perm, List<Id> ids, AuthSchemes schemes) throws KeeperError {
        if (acl == null || acl.isEmpty() || schemes.skipAcl()) {
            return;
        }
        for (Id authId : ids) {
            if ("super".equals(authId.getScheme())) {
                return;
            }
        }
        for (ACL a : acl) {
            if ((a.getPerms() & perm) == 0) {
                continue;
            }
            Id id = a.getId();
            if ("world".equals(id.getScheme()) && "anyone".equals(id.getId())) {
                return;
            }
            for (Id authId : ids) {
                if (authId.getScheme().equals(id.getScheme()) && matches(schemes, id.getScheme(), authId.getId(), id.getId())) {
                    return;
                }
            }
        }
        throw new KeeperError(ErrorCode.NO_AUTH);
    }

    private static boolean matches(AuthSchemes schemes, String scheme, String authId, String aclId) {
        return switch (scheme) {
            case "digest", "x509" -> authId.equals(aclId);
            case "sasl" -> schemes.saslMatches(authId, aclId);
            case "ip" -> ipMatches(authId, aclId);
            default -> false;
        };
    }

    /**
     * ZooKeeper's fixupACL: drops duplicates, expands the {@code auth} scheme into the requester's authenticated
     * ids, and rejects empty or malformed lists with INVALIDACL.
     */
    public static List<ACL> fixup(List<ACL> acls, List<Id> authInfo, AuthSchemes schemes) throws KeeperError {
        if (acls == null || acls.isEmpty()) {
            throw new KeeperError(ErrorCode.INVALID_ACL);
        }
        List<ACL> unique = new ArrayList<>();
        for (ACL a : acls) {
            if (unique.stream().noneMatch(u -> sameAcl(u, a))) {
                unique.add(a);
            }
        }
        List<ACL> result = new ArrayList<>();
        for (ACL a : unique) {
            Id id = a == null ? null : a.getId();
            if (id == null || id.getScheme() == null) {
                throw new KeeperError(ErrorCode.INVALID_ACL);
            }
            if (id.getId() == null && !"auth".equals(id.getScheme())) {
                // ZooKeeper fails to process such an entry (the id is dereferenced) and answers MARSHALLINGERROR.
                throw new KeeperError(ErrorCode.MARSHALLING_ERROR);
            }
            if ("world".equals(id.getScheme()) && "anyone".equals(id.getId())) {
                result.add(a);
            } else if ("auth".equals(id.getScheme())) {
                boolean any = false;
                for (Id cid : AuthIds.inZooKeeperOrder(authInfo)) {
                    if (schemes.isAuthenticated(cid.getScheme())) {
                        any = true;
                        result.add(new ACL(a.getPerms(), cid));
                    }
                }
                if (!any) {
                    throw new KeeperError(ErrorCode.INVALID_ACL);
                }
            } else if (id.getId() != null && schemes.isValid(id.getScheme(), id.getId())) {
                result.add(a);
            } else {
                throw new KeeperError(ErrorCode.INVALID_ACL);
            }
        }
        return result;
    }

    private static boolean sameAcl(ACL a, ACL b) {
        if (a == null || b == null) {
            return a == b;
        }
        Id x = a.getId();
        Id y = b.getId();
        return a.getPerms() == b.getPerms() && (x == null ? y == null
                : y != null && java.util.Objects.equals(x.getScheme(), y.getScheme())
                        && java.util.Objects.equals(x.getId(), y.getId()));
    }

    static boolean isIpAcl(String id) {
        return parseIpAcl(id) != null;
    }

    private record IpMask(byte[] address, int bits) {
    }

    private static IpMask parseIpAcl(String aclId) {
        String[] parts = aclId.split("/", -1);
        if (parts.length > 2) {
            return null;
        }
        byte[] addr = literalAddress(parts[0]);
        if (addr == null) {
            return null;
        }
        int bits = addr.length * 8;
        if (parts.length == 2) {
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > addr.length * 8) {
                return null;
            }
        }
        return new IpMask(addr, bits);
    }

    private static boolean ipMatches(String clientAddress, String aclId) {
        IpMask mask = parseIpAcl(aclId);
        byte[] client = literalAddress(clientAddress);
        if (mask == null || client == null || client.length != mask.address.length) {
            return false;
        }
        for (int bit = 0; bit < mask.bits; bit++) {
            int shift = 7 - (bit % 8);
            if (((client[bit / 8] >> shift) & 1) != ((mask.address[bit / 8] >> shift) & 1)) {
                return false;
            }
        }
        return true;
    }

    /** Parses a numeric IPv4/IPv6 literal without ever touching DNS. */
    private static byte[] literalAddress(String text) {
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            String[] octets = text.split("\\.", -1);
            if (octets.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                try {
                    int v = Integer.parseInt(octets[i]);
                    if (v < 0 || v > 255) {
                        return null;
                    }
                    out[i] = (byte) v;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return out;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
