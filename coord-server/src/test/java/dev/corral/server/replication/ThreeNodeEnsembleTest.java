package dev.corral.server.replication;

import dev.corral.server.storage.Dirs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.zab.NotLeaderException;
import dev.corral.zab.Role;
import dev.corral.zab.Zxid;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three ZabDrivers over real sockets on 127.0.0.1, each with its own ZabLogStore: election, 1,000 proposals in
 * order everywhere, the leader stopped mid-stream (a new leader, nothing committed lost), the old leader restarted
 * from its log (DIFF), a wiped follower restarted empty after compaction (SNAP through the source and sink), and the
 * same committed history on every peer throughout. Only generous awaits, no timing assertions.
 */
class ThreeNodeEnsembleTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<TestPeer> peers = new ArrayList<>();

    @AfterEach
    void stopAll() {
        peers.forEach(TestPeer::stop);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void electsReplicatesFailsOverAndCatchesUpByDiffAndSnap() throws Exception {
        Map<Integer, InetSocketAddress> addresses = TestPeer.freeAddresses(3);
        for (int id = 1; id <= 3; id++) {
            peers.add(new TestPeer(id, dir.resolve("peer" + id), addresses));
        }
        for (TestPeer p : peers) {
            p.start();
        }

        // 1. Election, then 1,000 proposals committed in order on all three.
        TestPeer leader = awaitLeader();
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<Zxid>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String payload = "a-" + i;
            expected.add(payload);
            futures.add(leader.driver.propose(bytes(payload)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 1; i < futures.size(); i++) {
            assertThat(futures.get(i).get().counter()).isEqualTo(futures.get(i - 1).get().counter() + 1);
        }
        awaitHistories(expected);
        for (TestPeer p : peers) {
            if (p != leader) {
                assertThat(p.status().role()).isEqualTo(Role.FOLLOWING);
                assertThat(p.status().leaderId()).isEqualTo(leader.id);
                CompletableFuture<Zxid> refused = p.driver.propose(bytes("refused"));
                assertThat(refused).isCompletedExceptionally();
                assertThat(cause(refused)).isInstanceOf(NotLeaderException.class);
                assertThat(((NotLeaderException) cause(refused)).leaderId()).isEqualTo(leader.id);
            }
        }

        // 2. Proposals in flight, then the leader stops: a new leader, and every acknowledged proposal survives.
        List<CompletableFuture<Zxid>> inFlight = new ArrayList<>();
        List<String> inFlightPayloads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            inFlightPayloads.add("b-" + i);
            inFlight.add(leader.driver.propose(bytes("b-" + i)));
        }
        await().atMost(PATIENCE).until(() -> inFlight.stream().filter(CompletableFuture::isDone).count() >= 20);
        long oldEpoch = leader.status().epoch();
        leader.stop();
        TestPeer stopped = leader;
        await().atMost(PATIENCE).until(() -> inFlight.stream().allMatch(CompletableFuture::isDone));
        leader = awaitLeader();
        assertThat(leader).isNotSameAs(stopped);
        assertThat(leader.status().epoch()).isGreaterThan(oldEpoch);
        // Whatever of b-* committed is a prefix of b-*, in order; the acknowledged ones are all in it.
        List<String> survivors = leader.state.history().subList(expected.size(), leader.state.size());
        assertThat(survivors).isEqualTo(inFlightPayloads.subList(0, survivors.size()));
        for (int i = 0; i < inFlight.size(); i++) {
            if (!inFlight.get(i).isCompletedExceptionally()) {
                assertThat(survivors).contains(inFlightPayloads.get(i));
            }
        }
        expected.addAll(survivors);
        proposeAll(leader, "c-", 300, expected);
        awaitHistories(expected);

        // 3. The stopped leader restarts from its log and state: it catches up by DIFF.
        stopped.start();
        proposeAll(leader, "d-", 100, expected);
        awaitHistories(expected);
        assertThat(stopped.driver.stats().snapshotsInstalled()).isZero();
        assertThat(stopped.status().role()).isEqualTo(Role.FOLLOWING);

        // 4. Every peer compacts its log; a follower loses its whole data directory and catches up by SNAP.
        for (TestPeer p : peers) {
            long upTo = p.driver.lastCommitted().counter() - 10;
            assertThat(p.driver.compact(upTo).get(10, TimeUnit.SECONDS).counter()).isEqualTo(upTo);
            assertThat(p.log.base().counter()).isEqualTo(upTo);
        }
        TestPeer wiped = peers.stream().filter(p -> p.status().role() == Role.FOLLOWING).findFirst().orElseThrow();
        wiped.stop();
        Dirs.deleteQuietly(wiped.dir);
        wiped.state = new TestStateMachine(wiped.dir.resolve("checkpoints"));
        proposeAll(leader, "e-", 50, expected);   // the leader's log moves on meanwhile
        wiped.start();
        awaitHistories(expected);
        assertThat(wiped.driver.stats().snapshotsInstalled()).isGreaterThanOrEqualTo(1);
        assertThat(leader.driver.stats().snapshotsSent()).isGreaterThanOrEqualTo(1);
        proposeAll(leader, "f-", 100, expected);
        awaitHistories(expected);
        for (TestPeer p : peers) {
            assertThat(p.driver.failure()).isNull();
            assertThat(p.log.lastZxid()).isEqualTo(leader.log.lastZxid());
        }
    }

    private TestPeer awaitLeader() {
        await().atMost(PATIENCE).until(() -> {
            long leaders = peers.stream().filter(p -> p.running() && p.status().canPropose()).count();
            long synced = peers.stream().filter(p -> p.running() && p.status().role() == Role.FOLLOWING
                    && p.status().active()).count();
            long running = peers.stream().filter(TestPeer::running).count();
            return leaders == 1 && synced == running - 1;
        });
        return peers.stream().filter(p -> p.running() && p.status().canPropose()).findFirst().orElseThrow();
    }

    private void awaitHistories(List<String> expected) {
        for (TestPeer p : peers) {
            if (p.running()) {
                await().atMost(PATIENCE).until(() -> p.state.size() >= expected.size());
            }
        }
        for (TestPeer p : peers) {
            if (p.running()) {
                assertThat(p.state.history()).as("history of peer %d", p.id).isEqualTo(expected);
            }
        }
    }

    private static void proposeAll(TestPeer leader, String prefix, int n, List<String> expected) throws Exception {
        List<CompletableFuture<Zxid>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(prefix + i);
            futures.add(leader.driver.propose(bytes(prefix + i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
