package dev.corral.server.replication;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/** Reads the quorum address of each peer out of zoo.cfg {@code server.N=host:quorumPort:electionPort[...]} values. */
public final class PeerAddresses {

    private PeerAddresses() {
    }

    /**
     * The quorum address (host and first port) of every server. The election port is accepted and ignored: Corral runs
     * leader election over the same quorum connections (ZAB notifications are ordinary messages).
     *
     * @throws IllegalArgumentException naming the key when a value is not {@code host:port:port...}
     */
    public static Map<Integer, InetSocketAddress> quorumAddresses(Map<Integer, String> servers) {
        Map<Integer, InetSocketAddress> out = new TreeMap<>();
        for (Map.Entry<Integer, String> e : servers.entrySet()) {
            out.put(e.getKey(), parse(e.getKey(), e.getValue()));
        }
        return out;
    }

    static InetSocketAddress parse(int id, String value) {
        String v = value.trim();
        int semi = v.indexOf(';');           // ZooKeeper 3.5+: ";[clientAddress:]clientPort" suffix
        if (semi >= 0) {
            v = v.substring(0, semi);
        }
        String host;
        String rest;
        if (v.startsWith("[")) {              // [ipv6]:port:port
            int close = v.indexOf(']');
            if (close < 0) {
                throw bad(id, value);
            }
            host = v.substring(1, close);
            rest = v.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw bad(id, value);
            }
            rest = rest.substring(1);
        } else {
            int colon = v.indexOf(':');
            if (colon <= 0) {
                throw bad(id, value);
            }
            host = v.substring(0, colon);
            rest = v.substring(colon + 1);
        }
        String[] parts = rest.split(":");
        if (parts.length < 2) {
            throw bad(id, value);
        }
        try {
            int port = Integer.parseInt(parts[0]);
            Integer.parseInt(parts[1]);
            if (port < 1 || port > 65535) {
                throw bad(id, value);
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw bad(id, value);
        }
    }

    private static IllegalArgumentException bad(int id, String value) {
        return new IllegalArgumentException("invalid value for key 'server." + id + "': '" + value
                + "' (expected host:quorumPort:electionPort)");
    }
}
