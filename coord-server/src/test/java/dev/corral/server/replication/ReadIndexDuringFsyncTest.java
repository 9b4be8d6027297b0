package dev.corral.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.zab.Role;
import dev.corral.zab.Zxid;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read index needs nothing durable, so it is not queued behind an fsync: with every peer's fsync of a write held
 * (three drivers over real sockets and logs, each fsync on a latch), reads at a follower and at the leader still get
 * their index, the commit point from before that write (which cannot commit while no disk syncs).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadIndexDuringFsyncTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<TestPeer> peers = new ArrayList<>();
    private final CountDownLatch disks = new CountDownLatch(1);

    @AfterEach
    void stopAll() {
        disks.countDown();
        for (TestPeer p : peers) {
            p.stop();
        }
    }

    @Test
    void readsGetTheirIndexWhileEveryPeerIsInsideAnFsync() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(3);
        for (int id = 1; id <= 3; id++) {
            TestPeer p = new TestPeer(id, dir.resolve("peer" + id), addresses);
            // A follower's ping answers wait behind its fsync: the leader must not drop it for silence meanwhile.
            p.syncLimitTicks = 100;
            peers.add(p);
            p.start();
        }
        await().atMost(PATIENCE).until(() -> peers.stream().filter(p -> p.status().canPropose()).count() == 1
                && peers.stream().filter(p -> p.status().role() == Role.FOLLOWING && p.status().active()).count() == 2);
        TestPeer leader = peers.stream().filter(p -> p.status().canPropose()).findFirst().orElseThrow();
        Zxid before = leader.driver.propose(bytes("a")).get(10, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> peers.stream().allMatch(p -> p.driver.lastCommitted().equals(before)));

        // Every disk hangs from now on; a write goes to every log and waits there in its fsync.
        for (TestPeer p : peers) {
            p.syncGate = disks;
        }
        leader.driver.propose(bytes("b"));
        await().atMost(PATIENCE).until(() -> peers.stream().allMatch(p -> p.log.lastZxid().counter()
                == before.counter() + 1));

        for (TestPeer p : peers) {
            Zxid index = p.driver.readIndex().get(10, TimeUnit.SECONDS);
            assertThat(index).as("read index at server %d", p.id).isEqualTo(before);
        }
        assertThat(disks.getCount()).as("no fsync was let through").isEqualTo(1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
