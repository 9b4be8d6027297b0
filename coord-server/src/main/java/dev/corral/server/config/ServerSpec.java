package dev.corral.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One member of a configuration as ZooKeeper writes it: {@code host:quorumPort:electionPort:role[;clientHost:clientPort]}.
 *
 * @param id           the server id (N of {@code server.N})
 * @param host         the quorum host as written (an IPv6 host without its brackets)
 * @param quorumPort   the port of the quorum (ZAB) connections
 * @param electionPort the election port (parsed; Corral elects over the quorum connections)
 * @param observer     true for {@code :observer}
 * @param clientHost   the client host of a {@code ;client} part, or null when the line has none (the client port is
 *                     zoo.cfg's, and ZooKeeper then leaves the part out of {@code /zookeeper/config})
 * @param clientPort   the client port of the {@code ;client} part, or -1
 */
public record ServerSpec(int id, String host, int quorumPort, int electionPort, boolean observer, String clientHost,
                         int clientPort) {

    /** Parses {@code value}, the right side of {@code server.<id>=}; the message names what is wrong. */
    public static ServerSpec parse(int id, String value) throws ConfigException {
        String v = value.trim();
        String client = null;
        int semi = v.indexOf(';');
        if (semi >= 0) {
            client = v.substring(semi + 1).trim();
            v = v.substring(0, semi).trim();
        }
        String host;
        String rest;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
                throw bad("server." + id, value, "an IPv6 host in brackets must be followed by ports");
            }
            host = v.substring(1, close);
            rest = v.substring(close + 2);
        } else {
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw bad("server." + id, value, "expected host:quorumPort:electionPort");
            }
            host = v.substring(0, colon);
            rest = v.substring(colon + 1);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw bad("server." + id, value, "expected host:quorumPort:electionPort[:role]");
        }
        int quorum = port("server." + id, value, parts[0]);
        int election = port("server." + id, value, parts[1]);
        boolean observer = false;
        if (parts.length == 3) {
            observer = switch (parts[2].trim().toLowerCase(Locale.ROOT)) {
                case "observer" -> true;
                case "participant" -> false;
                default -> throw bad("server." + id, value, "the role must be participant or observer");
            };
        }
        String clientHost = null;
        int clientPort = -1;
        if (client != null) {
            int colon = client.lastIndexOf(':');
            clientHost = colon < 0 ? "0.0.0.0" : client.substring(0, colon).replace("[", "").replace("]", "");
            clientPort = port("server." + id, value, colon < 0 ? client : client.substring(colon + 1));
        }
        return new ServerSpec(id, host, quorum, election, observer, clientHost, clientPort);
    }

    private static int port(String key, String value, String text) throws ConfigException {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(key, value, "'" + text + "' is not a port");
    }

    /** The value as ZooKeeper's QuorumServer.toString writes it: the role always, the client part if given. */
    public String value() {
        StringBuilder b = new StringBuilder();
        b.append(bracketed(host)).append(':').append(quorumPort).append(':').append(electionPort)
                .append(observer ? ":observer" : ":participant");
        if (clientHost != null) {
            b.append(';').append(bracketed(clientHost)).append(':').append(clientPort);
        }
        return b.toString();
    }

    private static String bracketed(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Every {@code server.N} value (id to value), parsed; the first that does not parse stops start-up. */
    public static SortedMap<Integer, ServerSpec> parseAll(Map<Integer, String> servers) throws ConfigException {
        SortedMap<Integer, ServerSpec> out = new TreeMap<>();
        for (Map.Entry<Integer, String> e : servers.entrySet()) {
            out.put(e.getKey(), parse(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static ConfigException bad(String key, String value, String why) {
        return new ConfigException("invalid value for key '" + key + "': '" + value + "' (" + why + ")");
    }
}
