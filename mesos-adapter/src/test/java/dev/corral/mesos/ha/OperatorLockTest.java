package dev.corral.mesos.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.support.ZkTarget;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

class OperatorLockTest {

    @Test
    void onlyOneOperatorAtATime() throws Exception {
        FrameworkPaths paths = FrameworkPaths.of(ZkTarget.uniqueRoot("lock"), "fw");
        ZkUrl url = ZkUrl.parse("zk://" + ZkTarget.connectString() + "/");
        try (CuratorFramework c1 = Coordination.connect(url, Duration.ofSeconds(4));
             CuratorFramework c2 = Coordination.connect(url, Duration.ofSeconds(4))) {
            OperatorLock first = new OperatorLock(c1, paths);
            OperatorLock second = new OperatorLock(c2, paths);
            try (OperatorLock.Held held = first.acquire(Duration.ofSeconds(5))) {
                assertThat(first.isHeldHere()).isTrue();
                assertThatThrownBy(() -> second.acquire(Duration.ofMillis(300))).isInstanceOf(IllegalStateException.class);
            }
            try (OperatorLock.Held held = second.acquire(Duration.ofSeconds(5))) {
                assertThat(second.isHeldHere()).isTrue();
            }
        }
    }
}
