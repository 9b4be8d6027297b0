package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The discovery race that the follower's epoch promise exists for, scripted: two peers lead at once (1 and 2) and
 * peer 3 goes back and forth between them. Correct peers give epoch 1 to at most one established leader; with the
 * planted ACCEPT_STALE_EPOCH bug ({@link StaleEpochPromise} in front of every node: a promise of an epoch not above
 * the acceptedEpoch is reported fresh), peer 3 promises epoch 1 twice and both leaders establish epoch 1.
 */
class EpochPromiseRaceTest {

    @Test
    void correctCoreEstablishesAtMostOneLeaderPerEpoch() {
        ManualCluster c = race(WireTap.NONE);
        assertThat(establishedInEpoch1(c)).as("established leaders in epoch 1").isEqualTo(1);
        assertThat(c.node(2).isEstablishedLeader()).isTrue();
        assertThat(c.node(1).isEstablishedLeader()).isFalse();
    }

    @Test
    void plantedStaleEpochBugIsCaught() {
        AtomicInteger stalePromises = new AtomicInteger();
        ManualCluster c = race(new StaleEpochPromise(stalePromises::incrementAndGet));
        // Peer 3's promises of epoch 1 after its first (to leader 2) were reported fresh though they were not: to leader
        // 1, which counts it and completes discovery of epoch 1 a second time, and then again to leader 2 (which had
        // completed discovery already, so it changes nothing there).
        assertThat(stalePromises).as("stale promises reported fresh").hasValue(2);
        assertThat(establishedInEpoch1(c)).as("established leaders in epoch 1").isEqualTo(2);
    }

    private static int establishedInEpoch1(ManualCluster c) {
        int n = 0;
        for (ZabNode node : c.nodes.values()) {
            if (node.isEstablishedLeader() && node.leaderEpoch() == 1) {
                n++;
            }
        }
        return n;
    }

    private static ManualCluster race(WireTap tap) {
        ManualCluster c = new ManualCluster(3, () -> tap);
        c.electLeader(1, 3);
        c.electLeader(2, 3);
        assertThat(c.node(1).role()).isEqualTo(Role.LEADING);
        assertThat(c.node(2).role()).isEqualTo(Role.LEADING);

        // 3 follows 1: FOLLOWERINFO(0); 1 chooses epoch 1 but its NEWEPOCH never arrives.
        c.follow(3, 1, 2);
        c.deliverAll(3, 1);
        c.drop(1, 3);
        assertThat(c.node(1).leaderEpoch()).isEqualTo(1);

        // 3 gives up on 1, follows 2, promises epoch 1 to 2, and leaves before NEWLEADER arrives.
        c.tick(3, 11);
        c.follow(3, 2, 1);
        c.deliverAll(3, 2);          // FOLLOWERINFO(0) -> 2 chooses epoch 1
        c.deliverThrough(2, 3, Message.NewEpoch.class); // fresh promise
        c.deliverAll(3, 2);          // ACKEPOCH -> 2 has its discovery quorum
        c.drop(2, 3);
        assertThat(c.node(3).acceptedEpoch()).isEqualTo(1);

        // 3 goes back to 1, which already chose epoch 1: the promise is not fresh any more.
        c.tick(3, 11);
        c.follow(3, 1, 2);
        c.deliverAll(3, 1);
        syncWith(c, 1);

        // And back to 2, which discovered epoch 1 with 3's first promise.
        c.tick(3, 11);
        c.follow(3, 2, 1);
        c.deliverAll(3, 2);
        syncWith(c, 2);
        return c;
    }

    private static void syncWith(ManualCluster c, int leader) {
        for (int i = 0; i < 10; i++) {
            c.deliverAll(leader, 3);
            c.deliverAll(3, leader);
        }
    }
}
