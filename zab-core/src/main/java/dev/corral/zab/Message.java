package dev.corral.zab;

import java.util.List;

/**
 * Everything peers say to each other. The sender is known to the transport, so it is not repeated inside. Every message
 * after discovery carries the epoch it belongs to, so a message from an older session is recognised and ignored.
 */
public sealed interface Message {

    /**
     * Fast leader election: the sender's round, its current vote and its state; and its committed config with the
     * counter of the entry that installed it (null and -1 if it did not say). A peer whose committed config is older
     * learns the newer one from it, as ZooKeeper's FLE does: a peer that missed a config change could otherwise
     * never count the new voters' reports, and never find the leader.
     */
    record Notification(long round, Vote vote, Role state, QuorumVerifier config, long configCounter)
            implements Message {
        public Notification(long round, Vote vote, Role state) {
            this(round, vote, state, null, -1);
        }
    }

    /** Follower to leader, first message of a following session: the follower's acceptedEpoch. */
    record FollowerInfo(long acceptedEpoch) implements Message {}

    /** Leader to follower: the new epoch, above every acceptedEpoch of a quorum. */
    record NewEpoch(long epoch) implements Message {}

    /**
     * Follower to leader: the follower accepted {@code epoch}. {@code fresh} says it was above its previous
     * acceptedEpoch (only fresh promises count toward the discovery quorum). {@code epochStarts} is the first zxid of
     * each epoch run in the follower's log, starting with its snapshot base: enough for the leader to find the longest
     * common prefix in one round trip. {@code needsSnapshot}: the follower was asked to truncate below what it had
     * already applied (its committed history and the leader's differ, which only a lost disk elsewhere can cause), so
     * only a SNAP can bring it in line.
     */
    record AckEpoch(long epoch, long currentEpoch, Zxid lastZxid, List<Zxid> epochStarts, boolean fresh,
            boolean needsSnapshot) implements Message {
        AckEpoch(long epoch, long currentEpoch, Zxid lastZxid, List<Zxid> epochStarts, boolean fresh) {
            this(epoch, currentEpoch, lastZxid, epochStarts, fresh, false);
        }
    }

    /** Sync: the follower's log ends at {@code from}, which the leader holds; proposals after it follow. */
    record Diff(long epoch, Zxid from) implements Message {}

    /** Sync: drop every log entry after {@code to}, then proposals after it follow. */
    record Trunc(long epoch, Zxid to) implements Message {}

    /**
     * Sync: the host transport sends the leader's snapshot at exactly {@code at} with this message; the follower's host
     * installs it durably and then steps this message. Proposals after {@code at} follow. {@code config} is the
     * configuration as of {@code at} (voters and members), so that the follower knows it without the log before
     * {@code at}; null if the sender did not say.
     */
    record Snap(long epoch, Zxid at, QuorumVerifier config) implements Message {
        public Snap(long epoch, Zxid at) {
            this(epoch, at, null);
        }

        // Configs compare by voters and members (a decoded one is a MajorityQuorum, whatever the sender held).
        @Override
        public boolean equals(Object o) {
            return o instanceof Snap s && epoch == s.epoch && at.equals(s.at)
                    && (config == null ? s.config == null : s.config != null
                        && config.voters().equals(s.config.voters()) && config.members().equals(s.config.members()));
        }

        @Override
        public int hashCode() {
            return Long.hashCode(epoch) * 31 + at.hashCode();
        }
    }

    /** Consecutive transactions (a batch). During sync they are the DIFF; afterwards broadcast proposals. */
    record Proposal(long epoch, List<Txn> txns) implements Message {}

    /** End of sync: the follower's log must now end at {@code lastZxid}; it adopts the epoch and ACKs. */
    record NewLeader(long epoch, Zxid lastZxid) implements Message {}

    /** Follower to leader: everything up to and including {@code zxid} is durable in my log (cumulative). */
    record Ack(long epoch, Zxid zxid) implements Message {}

    /** Leader to follower: the leader is established; {@code committed} and all before it are committed. */
    record UpToDate(long epoch, Zxid committed) implements Message {}

    /** Leader to follower: {@code zxid} and all before it are committed (cumulative). */
    record Commit(long epoch, Zxid zxid) implements Message {}

    /**
     * Leader to follower: the leader's own log of this epoch is durable up to {@code zxid} (cumulative). Sent only to a
     * follower that, with the leader, makes a quorum: once its own log is durable as far, that follower knows a quorum
     * holds the entries and commits them itself, without waiting for its ACK to reach the leader and the COMMIT to come
     * back (see {@link FollowerRole}).
     */
    record Synced(long epoch, Zxid zxid) implements Message {}

    /**
     * Leader to observer (ZooKeeper's INFORM): transactions a quorum has committed, sent only once committed, with the
     * commit point ({@code committed}, at least the last of {@code txns}). An observer never sees a proposal that
     * might not commit after it is synced, and never ACKs one.
     */
    record Inform(long epoch, List<Txn> txns, Zxid committed) implements Message {}

    /**
     * Heartbeat, both directions, once per tick. From the leader to a synced follower it also carries the leader's last
     * zxid and commit point: FIFO puts it behind every proposal and COMMIT sent before it, so a follower whose log ends
     * before {@code lastZxid} has lost messages (a link dropped them) and must resync, and a lost COMMIT is repaired.
     * Otherwise both are {@link Zxid#ZERO}.
     */
    record Ping(long epoch, Zxid lastZxid, Zxid committed) implements Message {
        public Ping(long epoch) {
            this(epoch, Zxid.ZERO, Zxid.ZERO);
        }
    }

    /**
     * Leader to its synced followers, when it hands leadership over: it stops leading now; look for a leader at once
     * and prefer {@code target}, which holds everything up to {@code lastZxid} (all of it committed).
     */
    record TakeOver(long epoch, int target, Zxid lastZxid) implements Message {}

    /** Follower to leader: hand leadership over to me (the leader answers with TakeOver once I am caught up). */
    record LeadershipRequest(long epoch) implements Message {}

    /**
     * Leader to follower: a read-index confirmation round. A follower still following this leader in {@code epoch}
     * answers {@link ReadRoundAck}; a quorum of answers shows the leader still led after the round began.
     */
    record ReadRound(long epoch, long round) implements Message {}

    /** Follower to leader: I still follow you in {@code epoch} (answering {@link ReadRound} {@code round}). */
    record ReadRoundAck(long epoch, long round) implements Message {}

    /** Follower to leader: asks a read index for the follower's batch {@code batch} of linearizable reads. */
    record ReadIndexRequest(long epoch, long batch) implements Message {}

    /** Leader to follower: batch {@code batch} may be answered once the follower has applied up to {@code index}. */
    record ReadIndexReply(long epoch, long batch, Zxid index) implements Message {}
}
