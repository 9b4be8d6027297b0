package dev.corral.server.replication;

import dev.corral.server.storage.Dirs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.storage.ZabLogStore;
import dev.corral.zab.HardState;
import dev.corral.zab.NotLeaderException;
import dev.corral.zab.Ready;
import dev.corral.zab.Role;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up of one driver: a snapshot install a crash interrupted is finished; a lone peer refuses proposals. */
class ZabDriverRecoveryTest {

    @TempDir
    Path dir;

    private TestPeer peer;

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.stop();
        }
    }

    @Test
    void anInstallTheLogRecordedButTheStateMachineMissedIsFinishedAtStart() throws Exception {
        peer = new TestPeer(1, dir.resolve("peer1"), TestPeer.freeAddresses(3));
        // The leader's state at 1:5, received into this peer's inbox.
        TestStateMachine leaderState = new TestStateMachine(dir.resolve("leader"));
        for (long c = 1; c <= 5; c++) {
            leaderState.onCommit(new Txn(new Zxid(1, c), ("s" + c).getBytes()));
        }
        Path received = peer.dir.resolve("inbox").resolve("snap-from2-1_5");
        Dirs.copy(leaderState.checkpoint(new Zxid(1, 5)), received);
        Path stray = Files.createDirectories(peer.dir.resolve("inbox").resolve("snap-from3-half-written"));
        // The log batch of the install Ready became durable, then the process died before the sink ran.
        try (ZabLogStore log = ZabLogStore.open(peer.dir.resolve("zablog"))) {
            log.persist(new Ready(new HardState(2, 2), null, new Zxid(1, 5),
                    List.of(new Txn(new Zxid(2, 6), "t6".getBytes()), new Txn(new Zxid(2, 7), "t7".getBytes())),
                    List.of(), List.of()), received);
        }

        peer.start();   // the peer's own state machine is empty

        assertThat(peer.state.history()).containsExactly("s1", "s2", "s3", "s4", "s5");
        assertThat(peer.driver.lastCommitted()).isEqualTo(new Zxid(1, 5));
        assertThat(peer.log.pendingInstall()).isNull();
        assertThat(peer.log.base()).isEqualTo(new Zxid(1, 5));
        assertThat(peer.log.lastZxid()).isEqualTo(new Zxid(2, 7));
        assertThat(received).doesNotExist();
        assertThat(stray).doesNotExist();
    }

    @Test
    void aPeerWithoutAQuorumStaysLookingAndRefusesProposals() throws Exception {
        peer = new TestPeer(2, dir.resolve("peer2"), TestPeer.freeAddresses(3));
        peer.start();
        Thread.sleep(3 * TestPeer.TICK_MILLIS);
        assertThat(peer.status().role()).isEqualTo(Role.LOOKING);
        CompletableFuture<Zxid> f = peer.driver.propose("x".getBytes());
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(NotLeaderException.class);
            assertThat(((NotLeaderException) e.getCause()).leaderId()).isEqualTo(-1);
        }
        assertThat(peer.driver.compact(1)).failsWithin(java.time.Duration.ofSeconds(10));
        peer.stop();
        assertThat(peer.driver).isNull();
    }
}
