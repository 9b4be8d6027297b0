package dev.corral.server.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.data.Stat;

/**
 * What a client saw, line by line, in a form two servers can be compared by: zxids are replaced by their rank
 * among the zxids the transcript shows (so they compare by order), session ids by the client that owns them,
 * and times are left out.
 */
final class Transcript {
    private static final Pattern ZXID = Pattern.compile("z:(-?\\d+)");
    private final List<String> lines = new ArrayList<>();
    private final Map<Long, Integer> sessions = new TreeMap<>();

    void session(long id, int client) {
        sessions.put(id, client);
    }

    void add(String line) {
        lines.add(line);
    }

    List<String> lines() {
        return lines;
    }

    String stat(Stat s) {
        if (s == null) {
            return "null";
        }
        return "Stat{c=z:" + s.getCzxid() + " m=z:" + s.getMzxid() + " p=z:" + s.getPzxid() + " v=" + s.getVersion()
                + " cv=" + s.getCversion() + " av=" + s.getAversion() + " owner=" + owner(s.getEphemeralOwner())
                + " len=" + s.getDataLength() + " kids=" + s.getNumChildren() + "}";
    }

    private String owner(long id) {
        if (id == 0) {
            return "0";
        }
        Integer client = sessions.get(id);
        return client == null ? "unknown-session" : "client" + client;
    }

    /** The transcript with zxids ranked. */
    List<String> normalized() {
        TreeSet<Long> zxids = new TreeSet<>();
        for (String line : lines) {
            Matcher m = ZXID.matcher(line);
            while (m.find()) {
                zxids.add(Long.parseLong(m.group(1)));
            }
        }
        Map<Long, Integer> rank = new TreeMap<>();
        int r = 0;
        for (long z : zxids) {
            rank.put(z, z <= 0 ? (int) z : ++r);
        }
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            Matcher m = ZXID.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, "z" + rank.get(Long.parseLong(m.group(1))));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }
}
