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
        return serverLines() + "version=" + Long.toHexString(version);
    }
}
