package dev.corral.server.reconfig;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An ensemble's membership and its version, as {@code /zookeeper/config} shows it (ZooKeeper's QuorumMaj text:
 * {@code server.N=...} lines in id order, then {@code version=<hex>}). Version 0 is a static config never
 * established with reconfigEnabled; otherwise it is the zxid that made the configuration.
 */
public record ClusterConfig(SortedMap<Integer, ServerSpec> members, long version) {

    public ClusterConfig {
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }

    /** The configuration of zoo.cfg's {@code server.N} values (id to value). */
    public static ClusterConfig of(Map<Integer, String> servers, long version) throws ConfigException {
        return new ClusterConfig(ServerSpec.parseAll(servers), version);
    }

    /**
     * The configuration of {@code text}: {@code server.N=} lines (as {@link #serverLines} writes them, or
     * {@code /zookeeper/config}'s content) and an optional {@code version=<hex>} line, which overrides
     * {@code version}.
     */
    public static ClusterConfig parse(String text, long version) throws ConfigException {
        Map<Integer, String> servers = new TreeMap<>();
        long v = version;
        for (String line : text.split("\n")) {
            String l = line.trim();
            int eq = l.indexOf('=');
            if (l.isEmpty() || eq < 0) {
                continue;
            }
            String key = l.substring(0, eq).trim();
            String value = l.substring(eq + 1).trim();
            try {
                if (key.equals("version")) {
                    v = Long.parseUnsignedLong(value, 16);
                } else if (key.startsWith("server.")) {
                    servers.put(Integer.parseInt(key.substring("server.".length())), value);
                }
            } catch (NumberFormatException e) {
                throw new ConfigException("invalid value for key '" + key + "': '" + value + "'");
            }
        }
        if (servers.isEmpty()) {
            throw new ConfigException("no server.N lines in the configuration");
        }
        return of(servers, v);
    }

    /** Each member's {@code server.N} value, by id (as zoo.cfg's servers map holds them). */
    public SortedMap<Integer, String> serverValues() {
        SortedMap<Integer, String> out = new TreeMap<>();
        members.values().forEach(s -> out.put(s.id(), s.value()));
        return out;
    }

    public ClusterConfig withVersion(long v) {
        return new ClusterConfig(members, v);
    }

    /** The ids that vote. */
    public Set<Integer> voters() {
        Set<Integer> out = new TreeSet<>();
        members.values().stream().filter(s -> !s.observer()).forEach(s -> out.add(s.id()));
        return out;
    }

    /** True if {@code ids} hold a majority of the voters. */
    public boolean isQuorum(Set<Integer> ids) {
        Set<Integer> voters = voters();
        long n = ids.stream().filter(voters::contains).count();
        return n > voters.size() / 2;
    }

    /** The server lines alone, one per member in id order (what a dynamic config file holds). */
    public String serverLines() {
        StringBuilder b = new StringBuilder();
        members.values().forEach(s -> b.append("server.").append(s.id()).append('=').append(s.value()).append('\n'));
        return b.toString();
    }

    /** {@code /zookeeper/config}'s content: the server lines, then the version in hex, no final newline. */
    public String text() {
        return dev.corral.server.tree.TreeApplier.configText(serverLines(), version);
    }
}
