package dev.corral.server.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.zab.Role;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer whose disk is slow still applies what a quorum committed: a write becomes visible on every server about
 * when its quorum has it, not after the slowest server's fsync (three drivers over real sockets and logs; one peer's
 * fsync held on a latch).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EarlyApplyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<TestPeer> peers = new ArrayList<>();

    /** Three peers; a follower waits {@code syncLimitTicks} of silence before it drops its leader. */
    private void startThree(int syncLimitTicks) throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(3);
        for (int id = 1; id <= 3; id++) {
            TestPeer p = new TestPeer(id, dir.resolve("peer" + id), addresses);
            p.syncLimitTicks = syncLimitTicks;
            peers.add(p);
            p.start();
        }
    }

    @AfterEach
    void stopAll() {
        for (TestPeer p : peers) {
            for (CountDownLatch gate : new CountDownLatch[] {p.syncGate, p.state.applyGate}) {
                if (gate != null) {
                    gate.countDown();
                }
            }
            p.stop();
        }
    }

    @Test
    void aFollowerWhoseFsyncHangsAppliesWhatTheOthersCommitted() throws Exception {
        startThree(10);
        TestPeer leader = awaitLeader();
        TestPeer slow = peers.stream().filter(p -> p != leader).findFirst().orElseThrow();
        CountDownLatch gate = new CountDownLatch(1);
        slow.syncGate = gate;

        leader.driver.propose(bytes("x")).get(10, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> slow.state.history().contains("x"));
        assertThat(gate.getCount()).as("its own fsync still hangs").isEqualTo(1);
        assertThat(slow.log.lastZxid().counter()).as("written, not yet synced").isEqualTo(1);

        gate.countDown();
        leader.driver.propose(bytes("y")).get(10, TimeUnit.SECONDS);
        awaitEverywhere(List.of("x", "y"));
    }

    @Test
    void theLeadersCommitAndHeartbeatsReachTheFollowersWhileItsOwnFsyncHangs() throws Exception {
        startThree(10);
        TestPeer leader = awaitLeader();
        long epoch = leader.status().epoch();
        CountDownLatch gate = new CountDownLatch(1);
        leader.syncGate = gate;

        // The two followers are the quorum; the leader applies it and tells them without waiting for its disk.
        leader.driver.propose(bytes("x")).get(10, TimeUnit.SECONDS);
        awaitEverywhere(List.of("x"));
        // Its heartbeats keep going too: twice the followers' syncLimit later they still follow it in the same epoch.
        Thread.sleep(2L * 10 * TestPeer.TICK_MILLIS);
        assertThat(gate.getCount()).as("the leader's own fsync still hangs").isEqualTo(1);
        assertEveryoneFollows(leader, epoch);
        gate.countDown();
        leader.driver.propose(bytes("y")).get(10, TimeUnit.SECONDS);
        awaitEverywhere(List.of("x", "y"));
    }

    @Test
    void theLeaderSendsItsCommitBeforeItAppliesIt() throws Exception {
        // The leader's driver waits in its own apply, so it sends no pings meanwhile: the followers must not give up
        // on it during the test (a new leader would bring them x too, in a new epoch, which is checked below).
        startThree(50);
        TestPeer leader = awaitLeader();
        long epoch = leader.status().epoch();
        CountDownLatch fsync = new CountDownLatch(1);
        CountDownLatch apply = new CountDownLatch(1);
        leader.syncGate = fsync; // so that the followers' ACKs commit x while the leader's fsync runs
        leader.state.applyGate = apply;

        CompletableFuture<?> x = leader.driver.propose(bytes("x"));
        for (TestPeer p : peers) {
            if (p != leader) {
                await().atMost(PATIENCE).until(() -> p.state.history().equals(List.of("x")));
            }
        }
        assertThat(leader.state.history()).as("the leader's own apply still waits").isEmpty();
        assertThat(x).isNotDone();
        assertEveryoneFollows(leader, epoch); // x reached the followers from this leader, not from a new one
        apply.countDown();
        fsync.countDown();
        x.get(10, TimeUnit.SECONDS);
        awaitEverywhere(List.of("x"));
    }

    @Test
    void aFollowerAcksOnlyAfterItsFsync() throws Exception {
        // The followers' ACKs leave from their fsync thread (one wake-up less per write): never before the fsync.
        startThree(50);
        TestPeer leader = awaitLeader();
        List<TestPeer> followers = peers.stream().filter(p -> p != leader).toList();
        leader.driver.propose(bytes("w")).get(10, TimeUnit.SECONDS); // the steady state: earlier txns committed
        awaitEverywhere(List.of("w"));
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        followers.get(0).syncGate = first;
        followers.get(1).syncGate = second;

        CompletableFuture<?> x = leader.driver.propose(bytes("x"));
        for (TestPeer f : followers) {
            await().atMost(PATIENCE).until(() -> f.log.lastZxid().counter() == 2); // written, its fsync held
        }
        Thread.sleep(500); // time for an ACK that did not wait for its fsync to reach the leader and commit x
        assertThat(x).as("no follower has synced x: the leader alone is no quorum").isNotDone();
        assertThat(leader.state.history()).isEqualTo(List.of("w"));

        first.countDown();
        x.get(10, TimeUnit.SECONDS);
        second.countDown();
        awaitEverywhere(List.of("w", "x"));
    }

    /**
     * A follower whose own fsync is the last thing a lone write waits for commits it on the fsync's thread, without a
     * hand-off to its driver thread (ZabDriver.finishOnSyncer). Both followers' fsyncs are held until the leader's
     * SYNCED has reached them; releasing one makes its fsync end last. An event that happens to be queued for the
     * driver at that instant (a ping) sends the end to the driver thread instead, so three writes are tried.
     */
    @Test
    void aFollowerWhoseOwnFsyncEndsLastCommitsOnTheFsyncThread() throws Exception {
        startThree(10);
        TestPeer leader = awaitLeader();
        leader.driver.propose(bytes("w")).get(10, TimeUnit.SECONDS); // the steady state: earlier txns committed
        awaitEverywhere(List.of("w"));
        List<TestPeer> followers = peers.stream().filter(p -> p != leader).toList();
        TestPeer follower = followers.get(0);
        List<String> history = new ArrayList<>(List.of("w"));
        List<String> threads = new ArrayList<>();
        for (String x : List.of("x", "y", "z")) {
            CountDownLatch first = new CountDownLatch(1);
            CountDownLatch second = new CountDownLatch(1);
            follower.syncGate = first;
            followers.get(1).syncGate = second;
            CompletableFuture<?> done = leader.driver.propose(bytes(x));
            Thread.sleep(300);                                       // the leader's fsync and its SYNCED
            assertThat(done).as("nothing is committed while both followers' fsyncs hang").isNotDone();
            follower.syncGate = null;
            first.countDown();
            await().atMost(PATIENCE).until(() -> follower.state.history().contains(x));
            threads.add(follower.state.appliedOn(x));
            followers.get(1).syncGate = null;
            second.countDown();
            history.add(x);
            awaitEverywhere(history);
        }
        assertThat(threads).contains("zab-log-sync-" + follower.id);
    }

    /** Every peer is active under {@code leader} in {@code epoch}: nobody gave up on it meanwhile. */
    private void assertEveryoneFollows(TestPeer leader, long epoch) {
        for (TestPeer p : peers) {
            assertThat(p.status().epoch()).as("server %d's epoch", p.id).isEqualTo(epoch);
            assertThat(p.status().leaderId()).as("server %d's leader", p.id).isEqualTo(leader.id);
            assertThat(p.status().active()).as("server %d active", p.id).isTrue();
        }
    }

    private void awaitEverywhere(List<String> history) {
        for (TestPeer p : peers) {
            await().atMost(PATIENCE).until(() -> p.state.history().equals(history));
        }
    }

    private TestPeer awaitLeader() {
        await().atMost(PATIENCE).until(() -> peers.stream().filter(p -> p.status().canPropose()).count() == 1
                && peers.stream().filter(p -> p.status().role() == Role.FOLLOWING && p.status().active()).count() == 2);
        return peers.stream().filter(p -> p.status().canPropose()).findFirst().orElseThrow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
