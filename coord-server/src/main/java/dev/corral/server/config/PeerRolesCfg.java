package dev.corral.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Reads {@link PeerRoles} from zoo.cfg: the peer type of each {@code server.N} line and {@code peerType}. */
public final class PeerRolesCfg {

    private PeerRolesCfg() {
    }

    public static PeerRoles parse(Map<String, String> values, Map<Integer, String> servers) throws ConfigException {
        TreeSet<Integer> observers = new TreeSet<>();
        for (Map.Entry<Integer, String> e : servers.entrySet()) {
            if (isObserver("server." + e.getKey(), e.getValue())) {
                observers.add(e.getKey());
            }
        }
        if (!observers.isEmpty() && observers.size() == servers.size()) {
            // ZooKeeper: "Observers w/o participants is an invalid configuration".
            throw new ConfigException("invalid keys 'server." + observers.first() + "'...: every server is an"
                    + " observer; an ensemble needs participants (observers without participants is an invalid"
                    + " configuration)");
        }
        String type = values.get("peerType");
        boolean selfObserver = false;
        if (type != null) {
            selfObserver = switch (type.toLowerCase(Locale.ROOT)) {
                case "observer" -> true;
                case "participant" -> false;
                default -> throw new ConfigException("invalid value for key 'peerType': '" + type
                        + "' (unrecognised peer type; expected observer or participant)");
            };
        }
        return new PeerRoles(observers, selfObserver);
    }

    /**
     * The fourth field of {@code host:quorumPort:electionPort[:type][;[clientAddress:]clientPort]}; an IPv6 host is in
     * brackets. Only {@code observer} and {@code participant} are types, as in ZooKeeper.
     */
    static boolean isObserver(String key, String value) throws ConfigException {
        String v = value.trim();
        int semi = v.indexOf(';');
        if (semi >= 0) {
            v = v.substring(0, semi);
        }
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            v = close < 0 ? v : "host" + v.substring(close + 1);
        }
        String[] parts = v.split(":");
        if (parts.length < 4) {
            return false;
        }
        if (parts.length > 4) {
            throw new ConfigException("invalid value for key '" + key + "': '" + value
                    + "' (expected host:quorumPort:electionPort[:observer|:participant][;clientPort])");
        }
        return switch (parts[3].trim().toLowerCase(Locale.ROOT)) {
            case "observer" -> true;
            case "participant" -> false;
            default -> throw new ConfigException("invalid value for key '" + key + "': unrecognised peer type '"
                    + parts[3].trim() + "' (expected observer or participant)");
        };
    }
}
