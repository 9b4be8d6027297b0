package dev.corral.server.reconfig;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerSpec;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.zookeeper.proto.ReconfigRequest;

/**
 * ZooKeeper 3.9.5's rules for a reconfig request (PrepRequestProcessor, opcode 16), in its order: disabled,
 * standalone, a reconfig in progress, the expected version, the new membership (incremental or bulk), enough voters,
 * a synced quorum of the new configuration, and last the WRITE permission on {@code /zookeeper/config}.
 */
public final class ReconfigRules {

    /** What the rules need to know of the server; {@code synced} holds the members synced with the leader. */
    public record State(boolean enabled, boolean standalone, boolean standaloneEnabled, ClusterConfig current,
                        long lastSeenVersion, Set<Integer> synced) {
    }

    /** Checks WRITE on /zookeeper/config for the caller (throws NO_AUTH). */
    public interface Permission {
        void checkWrite() throws KeeperError;
    }

    private ReconfigRules() {
    }

    /** The configuration {@code request} asks for (version {@code nextVersion}), or the error ZooKeeper gives. */
    public static ClusterConfig next(ReconfigRequest request, State state, long nextVersion, Permission permission)
            throws KeeperError {
        if (!state.enabled()) {
            throw new KeeperError(ErrorCode.RECONFIG_DISABLED);
        }
        if (state.standalone()) {
            throw new KeeperError(ErrorCode.UNIMPLEMENTED); // ZooKeeper: "standalone mode - not supported"
        }
        if (state.lastSeenVersion() != state.current().version()) {
            throw new KeeperError(ErrorCode.RECONFIG_IN_PROGRESS);
        }
        long from = request.getCurConfigId();
        if (from != -1 && from != state.lastSeenVersion()) {
            throw new KeeperError(ErrorCode.BAD_VERSION);
        }
        SortedMap<Integer, ServerSpec> next = request.getNewMembers() != null ? bulk(request.getNewMembers())
                : incremental(state.current(), request.getJoiningServers(), request.getLeavingServers());
        ClusterConfig proposed = new ClusterConfig(next, nextVersion);
        int voters = proposed.voters().size();
        if (voters < (state.standaloneEnabled() ? 2 : 1)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        if (!proposed.isQuorum(state.synced())) {
            throw new KeeperError(ErrorCode.NEW_CONFIG_NO_QUORUM);
        }
        permission.checkWrite();
        return proposed;
    }

    /** {@code newMembers}: {@code server.N=...} entries separated by commas or newlines. */
    private static SortedMap<Integer, ServerSpec> bulk(String newMembers) throws KeeperError {
        SortedMap<Integer, ServerSpec> out = new TreeMap<>();
        for (String entry : newMembers.replace(',', '\n').split("\n")) {
            if (entry.isBlank()) {
                continue;
            }
            Map.Entry<Integer, String> kv = entry(entry);
            if (kv == null) {
                if (entry.trim().startsWith("version=")) {
                    continue; // ZooKeeper's parser takes the version key and overrides it
                }
                throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
            }
            out.put(kv.getKey(), spec(kv.getKey(), kv.getValue()));
        }
        return out;
    }

    private static SortedMap<Integer, ServerSpec> incremental(ClusterConfig current, String joining, String leaving)
            throws KeeperError {
        SortedMap<Integer, ServerSpec> out = new TreeMap<>(current.members());
        for (String id : split(leaving)) {
            try {
                out.remove(Integer.parseInt(id));
            } catch (NumberFormatException e) {
                throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
            }
        }
        for (String joiner : split(joining)) {
            Map.Entry<Integer, String> kv = entry(joiner);
            if (kv == null) {
                throw new KeeperError(ErrorCode.BAD_ARGUMENTS); // "Wrong format of server string"
            }
            ServerSpec s = spec(kv.getKey(), kv.getValue());
            if (s.clientHost() == null) {
                throw new KeeperError(ErrorCode.BAD_ARGUMENTS); // "each server should have 3 ports specified"
            }
            for (ServerSpec other : out.values()) {
                if (other.id() != s.id() && other.host().equals(s.host())
                        && (other.quorumPort() == s.quorumPort() || other.electionPort() == s.electionPort())) {
                    throw new KeeperError(ErrorCode.BAD_ARGUMENTS); // ZooKeeper's checkAddressDuplicate
                }
            }
            out.put(s.id(), s);
        }
        return out;
    }

    /** ZooKeeper's StringUtils.split: trimmed, empty parts dropped. */
    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String p : text.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    /** {@code server.N=value} as (N, value), or null if the entry is not of that form. */
    private static Map.Entry<Integer, String> entry(String text) throws KeeperError {
        int eq = text.indexOf('=');
        if (eq < 0 || text.indexOf('=', eq + 1) >= 0) {
            return null;
        }
        String key = text.substring(0, eq).trim();
        if (!key.startsWith("server.")) {
            return null;
        }
        try {
            return Map.entry(Integer.parseInt(key.substring(key.lastIndexOf('.') + 1)), text.substring(eq + 1).trim());
        } catch (NumberFormatException e) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
    }

    private static ServerSpec spec(int id, String value) throws KeeperError {
        try {
            return ServerSpec.parse(id, value);
        } catch (ConfigException e) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
    }
}
