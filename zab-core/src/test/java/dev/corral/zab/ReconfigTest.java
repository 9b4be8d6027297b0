package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Dynamic membership changes by hand (ZooKeeper 3.5+'s rules): a config change is a txn; while it is pending every
 * quorum decision needs a quorum of the committed and of the pending config; joiners catch up as non-voters and vote
 * once the config listing them commits; removed peers fall silent, a removed leader hands over first.
 */
class ReconfigTest {

    private static ZabConfig config(int id, Set<Integer> voters) {
        return new ZabConfig(id, new MajorityQuorum(voters), 10, 5, 1000, ConfigPayloads.DECODER);
    }

    /** Voters {@code 1..n} established, plus joiners started empty with a config listing the voters and themselves. */
    private static ManualCluster cluster(int n, int... joiners) {
        Map<Integer, ZabConfig> configs = new TreeMap<>();
        Set<Integer> voters = range(1, n);
        for (int id : voters) {
            configs.put(id, config(id, voters));
        }
        for (int j : joiners) {
            Set<Integer> withMe = new java.util.TreeSet<>(voters);
            withMe.add(j);
            configs.put(j, config(j, withMe));
        }
        ManualCluster c = new ManualCluster(configs);
        c.drainAll();
        settle(c);
        assertThat(c.leader()).isPositive();
        return c;
    }

    /** Rounds of ticks and deliveries until every live node is synced with an established leader. */
    private static void settle(ManualCluster c) {
        for (int i = 0; i < 60; i++) {
            c.settle();
            int leader = c.leader();
            boolean allSynced = leader > 0;
            for (Map.Entry<Integer, ZabNode> e : c.nodes.entrySet()) {
                ZabNode n = e.getValue();
                if (!c.down.contains(e.getKey()) && n.isMember() && e.getKey() != leader && !n.isSyncedFollower()) {
                    allSynced = false;
                }
            }
            if (allSynced) {
                return;
            }
            c.rounds(1);
        }
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> s = new java.util.TreeSet<>();
        for (int i = from; i <= to; i++) {
            s.add(i);
        }
        return s;
    }

    private static Zxid write(ManualCluster c, int b) {
        int leader = c.leader();
        Zxid z = c.node(leader).propose(new byte[] {(byte) b});
        c.drain(leader);
        c.settle();
        return z;
    }

    @Test
    void growThreeToFiveThenTheJoinersVoteWhenTwoOldMembersAreGone() {
        ManualCluster c = cluster(3, 4, 5);
        int leader = c.leader();
        write(c, 1);
        write(c, 2);
        // The joiners are synced learners without a vote.
        assertThat(c.node(4).isSyncedFollower()).isTrue();
        assertThat(c.node(4).role()).isEqualTo(Role.OBSERVING);
        assertThat(c.node(4).activeConfig().voters()).containsExactly(1, 2, 3);

        Zxid cfg = c.node(leader).proposeReconfig(ConfigPayloads.encode(range(1, 5)));
        c.drain(leader);
        assertThat(c.node(leader).pendingConfig().voters()).containsExactlyElementsOf(range(1, 5));
        c.settle();
        c.rounds(1);
        for (int id = 1; id <= 5; id++) {
            assertThat(c.node(id).committedZxid()).isEqualTo(cfg);
            assertThat(c.node(id).activeConfig().voters()).containsExactlyElementsOf(range(1, 5));
            assertThat(c.node(id).pendingConfig()).isNull();
        }
        assertThat(c.node(4).role()).isEqualTo(Role.FOLLOWING);

        // Two old members go: 3 of 5 remain, a quorum of the new config (not of the old one).
        int[] old = range(1, 3).stream().filter(i -> i != leader).mapToInt(Integer::intValue).toArray();
        c.crash(old[0]);
        c.crash(old[1]);
        Zxid z = write(c, 3);
        c.rounds(1);
        assertThat(c.node(leader).committedZxid()).isEqualTo(z);
        assertThat(c.node(4).committedZxid()).isEqualTo(z);
        assertThat(c.node(5).committedZxid()).isEqualTo(z);
        // A joiner restarts with the config its host applied last (the host persists it) and is still a voter.
        c.crash(5);
        c.restart(5, config(5, range(1, 5)));
        settle(c);
        // The leader lost its quorum meanwhile (2 of 5); the three live peers, two of them joiners, elect again.
        assertThat(c.node(5).activeConfig().voters()).containsExactlyElementsOf(range(1, 5));
        assertThat(c.leader()).isIn(leader, 4, 5);
        assertThat(c.node(5).isSyncedFollower() || c.leader() == 5).isTrue();
        Zxid after = write(c, 4);
        c.rounds(1);
        assertThat(c.node(5).committedZxid()).isEqualTo(after);
    }

    @Test
    void shrinkFiveToThreeSilencesTheRemovedMembers() {
        ManualCluster c = cluster(5);
        int leader = c.leader();
        Set<Integer> keep = new java.util.TreeSet<>(Set.of(leader));
        for (int id = 1; keep.size() < 3; id++) {
            keep.add(id);
        }
        Zxid cfg = c.node(leader).proposeReconfig(ConfigPayloads.encode(keep));
        c.drain(leader);
        c.settle();
        c.rounds(1);
        for (int id = 1; id <= 5; id++) {
            assertThat(c.node(id).committedZxid()).isEqualTo(cfg);
            assertThat(c.node(id).isMember()).isEqualTo(keep.contains(id));
        }
        // Removed peers send nothing, whatever they are told.
        for (int id = 1; id <= 5; id++) {
            if (!keep.contains(id)) {
                c.tick(id, 20);
                c.node(id).peerReachable(leader);
                c.node(id).step(leader, new Message.Notification(99, new Vote(leader, cfg, 9), Role.LOOKING));
                c.drain(id);
                assertThat(c.node(id).role()).isEqualTo(Role.LOOKING);
                for (int to = 1; to <= 5; to++) {
                    assertThat(c.link(id, to)).isEmpty();
                }
                c.crash(id);
            }
        }
        Zxid z = write(c, 7);
        c.rounds(1);
        for (int id : keep) {
            assertThat(c.node(id).committedZxid()).isEqualTo(z);
        }
    }

    @Test
    void replaceAMember() {
        ManualCluster c = cluster(3, 4);
        int leader = c.leader();
        int gone = leader == 1 ? 2 : 1;
        Set<Integer> next = range(1, 4);
        next.remove(gone);
        Zxid cfg = c.node(leader).proposeReconfig(ConfigPayloads.encode(next));
        c.drain(leader);
        c.settle();
        c.rounds(1);
        assertThat(c.node(gone).isMember()).isFalse();
        assertThat(c.node(4).activeConfig().voters()).containsExactlyElementsOf(next);
        assertThat(c.node(4).committedZxid()).isEqualTo(cfg);
        c.crash(gone);
        int other = next.stream().filter(i -> i != leader && i != 4).findFirst().orElseThrow();
        c.crash(other);
        // Leader + the new member are a quorum of the new config.
        Zxid z = write(c, 5);
        c.rounds(1);
        assertThat(c.node(4).committedZxid()).isEqualTo(z);
    }

    @Test
    void aRemovedLeaderHandsOverThenFallsSilent() {
        ManualCluster c = cluster(3);
        int leader = c.leader();
        Zxid before = write(c, 1);
        Set<Integer> next = range(1, 3);
        next.remove(leader);
        Zxid cfg = c.node(leader).proposeReconfig(ConfigPayloads.encode(next));
        c.drain(leader);
        c.settle();
        assertThat(c.node(leader).isMember()).isFalse();
        assertThat(c.node(leader).role()).isEqualTo(Role.LOOKING);
        assertThat(c.node(leader).committedZxid()).isEqualTo(cfg);
        settle(c);
        int newLeader = c.leader();
        assertThat(newLeader).isIn(next);
        assertThat(c.node(newLeader).activeConfig().voters()).containsExactlyElementsOf(next);
        Zxid z = write(c, 2);
        c.rounds(2);
        for (int id : next) {
            assertThat(c.node(id).committedZxid()).isEqualTo(z);
            assertThat(c.applied.get(id)).extracting(Txn::zxid).contains(before, cfg, z);
        }
        for (int to = 1; to <= 3; to++) {
            assertThat(c.link(leader, to)).isEmpty();
        }
    }

    @Test
    void oneChangeAtATimeAndOnlyWithASyncedQuorumOfTheNewConfig() {
        ManualCluster c = cluster(3);
        int leader = c.leader();
        ZabNode l = c.node(leader);
        int follower = leader == 1 ? 2 : 1;
        assertThatThrownBy(() -> l.proposeReconfig(ConfigPayloads.encode(Set.of(leader, 6, 7))))
                .isInstanceOfSatisfying(ReconfigRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReconfigRefusedException.Reason.NO_QUORUM_SYNCED));
        assertThatThrownBy(() -> c.node(follower).proposeReconfig(ConfigPayloads.encode(range(1, 3))))
                .isInstanceOfSatisfying(ReconfigRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReconfigRefusedException.Reason.NOT_LEADER));
        assertThatThrownBy(() -> l.propose(ConfigPayloads.encode(range(1, 2))))
                .isInstanceOf(IllegalArgumentException.class);

        l.proposeReconfig(ConfigPayloads.encode(range(1, 3)));
        assertThatThrownBy(() -> l.proposeReconfig(ConfigPayloads.encode(range(1, 3))))
                .isInstanceOfSatisfying(ReconfigRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReconfigRefusedException.Reason.IN_PROGRESS));
        c.drain(leader);
        c.settle();
        // Committed: the next change may go.
        assertThat(l.pendingConfig()).isNull();
        l.proposeReconfig(ConfigPayloads.encode(range(1, 3)));
    }

    @Test
    void whileAChangeIsPendingTheOldQuorumAloneCommitsNothing() {
        ManualCluster c = cluster(3, 4, 5);
        int leader = c.leader();
        ZabNode l = c.node(leader);
        Set<Integer> next = new java.util.TreeSet<>(Set.of(leader, 4, 5));
        Set<Integer> old = range(1, 3);
        Zxid before = l.committedZxid();
        Zxid cfg = l.proposeReconfig(ConfigPayloads.encode(next));
        Zxid w = l.propose(new byte[] {9});
        c.drain(leader);
        // Every old member ACKs both; the new members hear nothing yet.
        for (int id : old) {
            if (id != leader) {
                c.deliverAll(leader, id);
                c.deliverAll(id, leader);
            }
        }
        c.drain(leader);
        assertThat(l.committedZxid()).isEqualTo(before);
        assertThat(l.pendingConfig()).isNotNull();
        // One new member ACKs: leader + 4 is a quorum of {leader, 4, 5}, and the old quorum has them already.
        c.deliverAll(leader, 4);
        c.deliverAll(4, leader);
        c.drain(leader);
        assertThat(l.committedZxid()).isEqualTo(w);
        assertThat(l.pendingConfig()).isNull();
        assertThat(l.activeConfig().voters()).containsExactlyElementsOf(next);
        assertThat(cfg.counter()).isLessThan(w.counter());
    }

    @Test
    void aRestartedPeerRecoversItsPendingConfigFromItsLog() {
        ManualCluster c = cluster(3);
        int leader = c.leader();
        int f = leader == 1 ? 2 : 1;
        c.node(leader).proposeReconfig(ConfigPayloads.encode(range(1, 3), range(1, 4)));
        c.drain(leader);
        c.deliverThrough(leader, f, Message.Proposal.class);
        assertThat(c.node(f).pendingConfig()).isNotNull();
        c.crash(f);
        c.restart(f, config(f, range(1, 3)));
        assertThat(c.node(f).pendingConfig().members()).containsExactlyElementsOf(range(1, 4));
        assertThat(c.node(f).activeConfig().members()).containsExactlyElementsOf(range(1, 3));
        settle(c);
        c.rounds(2);
        assertThat(c.node(f).pendingConfig()).isNull();
        assertThat(c.node(f).activeConfig().members()).containsExactlyElementsOf(range(1, 4));
    }
}
