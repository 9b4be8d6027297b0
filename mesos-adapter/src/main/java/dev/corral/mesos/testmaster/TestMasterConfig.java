package dev.corral.mesos.testmaster;

import dev.corral.mesos.detect.ZkUrl;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of one TEST master. Mesos' defaults are in {@link #mesosDefaults}; tests shrink the intervals.
 *
 * @param zk where to contend (json.info_) and detect the leader; empty: this master always leads
 * @param recoveryDelay how long a newly elected master answers 503 (a real one is recovering its registry)
 */
public record TestMasterConfig(String hostname, int port, Optional<ZkUrl> zk, Duration zkSessionTimeout,
                               Duration heartbeatInterval, Duration allocationInterval, Duration recoveryDelay,
                               Duration defaultRefuse) {

    public static TestMasterConfig mesosDefaults(int port, Optional<ZkUrl> zk) {
        return new TestMasterConfig("127.0.0.1", port, zk, Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(5));
    }

    public static TestMasterConfig fast(int port, Optional<ZkUrl> zk, Duration zkSessionTimeout) {
        return new TestMasterConfig("127.0.0.1", port, zk, zkSessionTimeout, Duration.ofMillis(500),
                Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(1));
    }

    public TestMasterConfig withRecoveryDelay(Duration d) {
        return new TestMasterConfig(hostname, port, zk, zkSessionTimeout, heartbeatInterval, allocationInterval, d, defaultRefuse);
    }
}
