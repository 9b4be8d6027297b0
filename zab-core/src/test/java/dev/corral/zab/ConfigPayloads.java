package dev.corral.zab;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/** A test host's config-change payload: {@code CFG:v=1,2,3;m=1,2,3,4} (voters, then members), and its decoder. */
public final class ConfigPayloads {
    private static final String PREFIX = "CFG:";

    /** Decodes {@link #encode} payloads; every other payload is an ordinary txn. */
    public static final ConfigDecoder DECODER = ConfigPayloads::decode;

    private ConfigPayloads() {}

    public static byte[] encode(Set<Integer> voters, Set<Integer> members) {
        return (PREFIX + "v=" + join(voters) + ";m=" + join(members)).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(Set<Integer> voters) {
        return encode(voters, voters);
    }

    static QuorumVerifier decode(byte[] payload) {
        if (payload.length < PREFIX.length() || payload[0] != 'C' || payload[1] != 'F' || payload[2] != 'G'
                || payload[3] != ':') {
            return null;
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).substring(PREFIX.length()).split(";");
        return new MajorityQuorum(ids(parts[0].substring(2)), ids(parts[1].substring(2)));
    }

    private static String join(Set<Integer> ids) {
        StringBuilder b = new StringBuilder();
        for (int id : new TreeSet<>(ids)) {
            b.append(b.length() == 0 ? "" : ",").append(id);
        }
        return b.toString();
    }

    private static Set<Integer> ids(String s) {
        Set<Integer> out = new TreeSet<>();
        for (String p : s.split(",")) {
            out.add(Integer.parseInt(p));
        }
        return out;
    }
}
