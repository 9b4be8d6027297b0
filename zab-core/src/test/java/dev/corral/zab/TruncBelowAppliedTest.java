package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: "a replica asked to TRUNC below what it already applied drops its tree and takes a SNAP". Only lost
 * disks elsewhere can cause it (a committed entry is on a quorum, and every later leader has it): here peer 2 applied
 * epoch 1 up to counter 6, while the peer that leads next (1) holds epoch 1 up to 3 and then an epoch 2 of its own,
 * as a peer whose disk came back from an old copy might. The leader plans TRUNC(1:3); truncating cannot undo what peer
 * 2 applied. Before, peer 2's ZAB node threw ("asked to truncate below committed"), the driver stopped, and the member
 * stopped at every restart; now it ends the session, asks for a snapshot, and installs the leader's.
 */
class TruncBelowAppliedTest {

    private static List<Txn> run(long epoch, long from, long to) {
        List<Txn> out = new ArrayList<>();
        for (long c = from; c <= to; c++) {
            out.add(new Txn(new Zxid(epoch, c), new byte[] {(byte) c}));
        }
        return out;
    }

    @Test
    void aFollowerAskedToTruncateBelowWhatItAppliedTakesASnapshot() {
        ManualCluster c = new ManualCluster(3);
        List<Txn> leaderLog = new ArrayList<>(run(1, 1, 3));
        leaderLog.addAll(run(2, 4, 5));
        c.nodes.put(1, new ZabNode(new ZabConfig(1, c.quorum, 10, 5),
                new DurableState(2, 2, Zxid.ZERO, leaderLog, new Zxid(2, 5))));
        c.nodes.put(2, new ZabNode(new ZabConfig(2, c.quorum, 10, 5),
                new DurableState(1, 1, Zxid.ZERO, run(1, 1, 6), new Zxid(1, 6))));
        c.drainAll();
        c.clearAll();

        c.electLeader(1, 3);
        c.follow(2, 1, 3);
        c.settle();
        ZabNode follower = c.node(2);
        assertThat(follower.lastProtocolError).as("the first session ends at the TRUNC")
                .contains("below applied").contains("asking for a snapshot");
        assertThat(follower.needsSnapshot).isTrue();

        // Back to looking: it finds the same leader and asks for a snapshot this time.
        c.readies.clear();
        c.follow(2, 1, 3);
        c.settle();
        List<Ready> installs = c.readies.getOrDefault(2, List.of()).stream()
                .filter(r -> r.installSnapshot() != null).toList();
        assertThat(c.readies.get(2)).as("never a truncation below what it applied")
                .allMatch(r -> r.truncateTo() == null);
        assertThat(installs).as("the follower was sent a SNAP").hasSize(1);
        assertThat(installs.get(0).installSnapshot()).isEqualTo(c.node(1).releasedZxid());
        assertThat(follower.needsSnapshot).isFalse();
        assertThat(follower.role()).isEqualTo(Role.FOLLOWING);
        assertThat(follower.lastZxid()).isEqualTo(c.node(1).lastZxid());
    }
}
