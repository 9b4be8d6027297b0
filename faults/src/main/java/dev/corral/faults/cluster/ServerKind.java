package dev.corral.faults.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which server the campaign runs, and how its JVM is started. Corral from its shaded jar; the deliberately broken
 * Corral (a test-only MajorityQuorum that needs one acknowledgement) from its own classes directory ahead of that jar;
 * Apache ZooKeeper 3.9.5's QuorumPeerMain from the Maven Central jars. All read the same zoo.cfg.
 */
public enum ServerKind {
    CORRAL("corral"), CORRAL_BROKEN("corral-broken"), ZOOKEEPER("zookeeper");

    public final String label;

    ServerKind(String label) {
        this.label = label;
    }

    public static ServerKind parse(String s) {
        for (ServerKind k : values()) {
            if (k.label.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown server '" + s + "' (corral, zookeeper, corral-broken)");
    }

    /** Where the server's code is: set from scripts/faults (it builds them from this tree). */
    public record Jars(Path corralJar, Path brokenClasses, String zookeeperClasspath, Path zookeeperLogback) {
    }

    /**
     * The java command line for one member (the caller prefixes ip netns exec); {@code observed} adds native memory
     * tracking (summary: a few percent of malloc cost) for the live-set sampler's start and end reports.
     */
    public List<String> command(Jars jars, Path zooCfg, boolean observed) {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (observed) {
            cmd.add("-XX:NativeMemoryTracking=summary");
        }
        switch (this) {
            case CORRAL -> cmd.addAll(List.of("-cp", jars.corralJar().toString(), "dev.corral.server.Main"));
            case CORRAL_BROKEN -> cmd.addAll(List.of("-cp", jars.brokenClasses() + ":" + jars.corralJar(),
                    "dev.corral.server.Main"));
            case ZOOKEEPER -> cmd.addAll(List.of("-Dlogback.configurationFile=" + jars.zookeeperLogback(),
                    "-Dzookeeper.admin.enableServer=false", "-cp", jars.zookeeperClasspath(),
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain"));
        }
        cmd.add(zooCfg.toString());
        return cmd;
    }

    /** Corral serves /metrics (its RocksDB figures); ZooKeeper's Prometheus provider is not on its classpath here. */
    public boolean servesMetrics() {
        return this != ZOOKEEPER;
    }
}
