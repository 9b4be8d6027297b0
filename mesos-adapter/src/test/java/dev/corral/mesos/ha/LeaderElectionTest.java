package dev.corral.mesos.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.support.Recorder;
import dev.corral.mesos.support.TcpProxy;
import dev.corral.mesos.support.ZkTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** Election, fencing and connection-loss behaviour of the HA kit on a real server. */
class LeaderElectionTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);

    private static CuratorFramework client(String connect) throws InterruptedException {
        return Coordination.connect(ZkUrl.parse("zk://" + connect + "/"), SESSION);
    }

    private static void write(CuratorFramework c, Fence fence, String path, String value) throws Exception {
        fence.write(c, c.transactionOp().setData().forPath(path, value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oneLeaderItsAddressInTheElectionNodeAndADeposedLeadersWritesFail() throws Exception {
        FrameworkPaths paths = FrameworkPaths.of(ZkTarget.uniqueRoot("elect"), "fw");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        try (CuratorFramework ca = client(ZkTarget.connectString()); CuratorFramework cb = client(ZkTarget.connectString())) {
            ca.create().creatingParentsIfNeeded().forPath(paths.root() + "/data", new byte[0]);
            LeaderElection a = new LeaderElection(ca, paths, "10.0.0.1:1111", ra);
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ra.elected.size() == 1);
            LeaderElection b = new LeaderElection(cb, paths, "10.0.0.2:2222", rb);
            b.start();
            assertThat(b.leaderAddress()).contains("10.0.0.1:1111");
            assertThat(b.isLeader()).isFalse();
            Fence fa = ra.lastFence();
            write(ca, fa, paths.root() + "/data", "from a");

            // A's session dies (it may not even know yet); B is elected and bumps the epoch.
            ZooKeeper zk = ca.getZookeeperClient().getZooKeeper();
            ZkTarget.expireSession(zk.getSessionId(), zk.getSessionPasswd());
            await().atMost(Duration.ofSeconds(15)).until(() -> rb.elected.size() == 1);
            Fence fb = rb.lastFence();
            assertThat(fb.epoch()).isGreaterThan(fa.epoch());
            assertThat(new String(cb.getData().forPath(paths.epoch()), StandardCharsets.UTF_8)).isEqualTo("10.0.0.2:2222");

            // Whatever A believes, its fenced write fails, atomically, and B's succeeds.
            await().atMost(Duration.ofSeconds(15)).until(() -> ca.getZookeeperClient().isConnected());
            assertThatThrownBy(() -> write(ca, fa, paths.root() + "/data", "from deposed a"))
                    .isInstanceOf(FencedException.class);
            write(cb, fb, paths.root() + "/data", "from b");
            assertThat(new String(cb.getData().forPath(paths.root() + "/data"), StandardCharsets.UTF_8)).isEqualTo("from b");
            await().atMost(Duration.ofSeconds(15)).until(() -> ra.deposed.size() == 1);
            assertThat(a.isLeader()).isFalse();
            a.close();
            b.close();
        }
    }

    @Test
    void abdicatingHandsLeadershipOverAndRejoinsAsStandby() throws Exception {
        FrameworkPaths paths = FrameworkPaths.of(ZkTarget.uniqueRoot("abdicate"), "fw");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        try (CuratorFramework ca = client(ZkTarget.connectString()); CuratorFramework cb = client(ZkTarget.connectString());
             LeaderElection a = new LeaderElection(ca, paths, "a:1", ra); LeaderElection b = new LeaderElection(cb, paths, "b:2", rb)) {
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ra.elected.size() == 1);
            b.start();
            // b's latch creates its node in the background: abdicating before it exists would let a rejoin ahead of b
            // and lead again (failed CI once).
            await().atMost(Duration.ofSeconds(10)).until(() -> ca.getChildren().forPath(paths.election()).size() == 2);
            a.abdicate("test");
            await().atMost(Duration.ofSeconds(10)).until(() -> rb.elected.size() == 1);
            assertThat(ra.deposed).containsExactly("test");
            await().atMost(Duration.ofSeconds(10)).until(() -> a.leaderAddress().equals(java.util.Optional.of("b:2")));
            b.abdicate("again");
            await().atMost(Duration.ofSeconds(10)).until(() -> ra.elected.size() == 2);
        }
    }

    @Test
    void aShortSuspensionKeepsLeadershipALongOneDeposes() throws Exception {
        FrameworkPaths paths = FrameworkPaths.of(ZkTarget.uniqueRoot("suspend"), "fw");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        try (TcpProxy proxy = new TcpProxy(ZkTarget.connectString());
             CuratorFramework ca = client(proxy.address()); CuratorFramework cb = client(ZkTarget.connectString());
             LeaderElection a = new LeaderElection(ca, paths, "a:1", ra); LeaderElection b = new LeaderElection(cb, paths, "b:2", rb)) {
            ca.create().creatingParentsIfNeeded().forPath(paths.root() + "/data", new byte[0]);
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ra.elected.size() == 1);
            b.start();

            proxy.block();
            Thread.sleep(ZkTarget.SESSION_TIMEOUT_MS / 3);
            proxy.unblock();
            await().atMost(Duration.ofSeconds(10)).until(() -> ca.getZookeeperClient().isConnected());
            assertThat(a.isLeader()).isTrue();
            assertThat(ra.deposed).isEmpty();
            write(ca, ra.lastFence(), paths.root() + "/data", "still leading");

            proxy.block();
            await().atMost(Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS * 3L)).until(() -> ra.deposed.size() == 1);
            await().atMost(Duration.ofSeconds(15)).until(() -> rb.elected.size() == 1);
            proxy.unblock();
            await().atMost(Duration.ofSeconds(15)).until(() -> ca.getZookeeperClient().isConnected());
            assertThatThrownBy(() -> write(ca, ra.lastFence(), paths.root() + "/data", "stale"))
                    .isInstanceOf(FencedException.class);
        }
    }
}
