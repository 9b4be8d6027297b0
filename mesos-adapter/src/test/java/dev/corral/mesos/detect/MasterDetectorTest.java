package dev.corral.mesos.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.support.ZkTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** The detector and contender on a real ZooKeeper server: who leads, and how that changes. */
class MasterDetectorTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);

    private static ZkUrl url(String root) {
        return ZkUrl.parse("zk://" + ZkTarget.connectString() + root + "/mesos");
    }

    @Test
    void lowestSequenceLeadsAndTheNextTakesOverWhenItLeaves() throws Exception {
        ZkUrl url = url(ZkTarget.uniqueRoot("detect"));
        MasterInfo info1 = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
        MasterInfo info2 = MasterInfos.create("m2", "127.0.0.1", 5051, "master@127.0.0.1:5051");
        try (ZkGroup g1 = new ZkGroup(url, SESSION); ZkGroup g2 = new ZkGroup(url, SESSION);
             MasterDetector detector = new MasterDetector(url, SESSION)) {
            ZkGroup.Owned m1 = new MasterContender(g1, info1).contend().get();
            new MasterContender(g2, info2).contend().get();
            assertThat(detector.await(Duration.ofSeconds(10))).contains(info1);

            g1.close(); // master 1 dies: its session closes and its znode goes
            await().atMost(Duration.ofSeconds(10)).until(() -> detector.current().equals(Optional.of(info2)));
            assertThat(m1.cancelled()).isCompletedWithValue(false);
        }
    }

    @Test
    void oldFormatsAreReadByLabelAndNonMembersAreIgnored() throws Exception {
        String root = ZkTarget.uniqueRoot("formats");
        ZkUrl url = url(root);
        ZooKeeper zk = ZkTarget.connect(e -> { });
        try (MasterDetector detector = new MasterDetector(url, SESSION)) {
            zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create(root + "/mesos", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create(root + "/mesos/log_replicas", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            // A pre-0.24 master with a bare UPID leads (lowest sequence) over a newer json.info_ one.
            String upid = zk.create(root + "/mesos/", "master@10.0.0.7:5050".getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            MasterInfo binary = MasterInfos.create("bin", "10.0.0.8", 5050, "master@10.0.0.8:5050");
            String info = zk.create(root + "/mesos/info_", binary.toByteArray(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL_SEQUENTIAL);
            zk.create(root + "/mesos/json.info_", "{\"id\":\"j\",\"ip\":1,\"port\":5050}".getBytes(StandardCharsets.UTF_8),
                    ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);

            await().atMost(Duration.ofSeconds(10)).until(() -> detector.current()
                    .map(m -> MasterInfos.endpoint(m).equals(new HostPort("10.0.0.7", 5050))).orElse(false));
            zk.delete(upid, -1);
            await().atMost(Duration.ofSeconds(10)).until(() -> detector.current().equals(Optional.of(binary)));
            zk.delete(info, -1);
            await().atMost(Duration.ofSeconds(10)).until(() -> detector.current().map(MasterInfo::getId).equals(Optional.of("j")));
        } finally {
            zk.close();
        }
    }

    @Test
    void sessionExpiryDropsTheLeaderThenDetectsAgainOnTheNewSession() throws Exception {
        ZkUrl url = url(ZkTarget.uniqueRoot("expiry"));
        MasterInfo info = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
        try (ZkGroup masterGroup = new ZkGroup(url, SESSION); MasterDetector detector = new MasterDetector(url, SESSION)) {
            new MasterContender(masterGroup, info).contend().get();
            assertThat(detector.await(Duration.ofSeconds(10))).contains(info);

            var seenNone = detector.detect(Optional.of(info));
            ZkGroup.SessionHandle s = detector.group().session().get().orElseThrow();
            ZkTarget.expireSession(s.id(), s.password());
            // libmesos empties the group on expiry, so the detector reports "no leader" first...
            assertThat(seenNone.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            // ...then, on a new session, finds the same leader again.
            await().atMost(Duration.ofSeconds(15)).until(() -> detector.current().equals(Optional.of(info)));
            assertThat(detector.group().session().get().orElseThrow().id()).isNotEqualTo(s.id());
        }
    }

    @Test
    void aContenderWhoseSessionExpiresLosesItsMembership() throws Exception {
        ZkUrl url = url(ZkTarget.uniqueRoot("contender"));
        MasterInfo info = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
        try (ZkGroup group = new ZkGroup(url, SESSION)) {
            ZkGroup.Owned owned = new MasterContender(group, info).contend().get();
            ZkGroup.SessionHandle s = group.session().get().orElseThrow();
            ZkTarget.expireSession(s.id(), s.password());
            // A real master commits suicide here; the future is how a contender learns it.
            assertThat(owned.cancelled().get(15, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
        }
    }
}
