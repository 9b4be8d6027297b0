package dev.corral.zab;

import java.util.List;

/**
 * What the host must do now, in this order: send {@code sendFirst} (it may do so before or while persisting); make
 * the persistence part durable ({@code hardState}, then {@code truncateTo}, then {@code installSnapshot}, then
 * append {@code entries}, then fsync); only then send {@code messages} in list order; then apply {@code committed}
 * in zxid order; then call {@link ZabNode#advance(Ready)}.
 *
 * <p>Unless {@link #appliesAfterMessages}, the host may apply {@code committed} as soon as it has written the entries
 * (before their fsync): a committed transaction is durable on a quorum already, and written first, it cannot be in
 * the state machine after a process crash without being in the log. While the fsync runs it may then apply what
 * {@link ZabNode#takeCommitted} hands out and send what {@link ZabNode#takeCommitBroadcast} does.
 *
 * @param hardState       epochs to persist, or null if unchanged
 * @param truncateTo      drop every durable log entry with a counter above this zxid's, or null
 * @param installSnapshot the snapshot received with a {@link Message.Snap} at this zxid must be installed durably: the
 *                        state machine becomes the snapshot and the log is emptied with this zxid as its base; or null
 * @param entries         transactions to append to the log, consecutive
 * @param messages        to send once everything above is durable
 * @param committed       transactions to apply, in zxid order (all already appended, in this or an earlier Ready)
 * @param sendFirst       the leader's broadcast (PROPOSALs, COMMITs and PINGs) that comes before every message
 *                        in {@code messages}: it need not wait for this Ready's fsync, because the leader counts its
 *                        own ACK of an entry only once {@link ZabNode#advance} says it is durable, a COMMIT (or a
 *                        PING's commit point) only ever names entries a quorum already holds durably, and a PING's
 *                        lastZxid only what was sent. Sending it first lets the followers' fsyncs
 *                        run alongside the leader's, as ZooKeeper's leader does. On a follower it holds its
 *                        read-index messages ({@link ZabNode#takeUnordered}), which vouch for nothing durable.
 */
public record Ready(
        HardState hardState,
        Zxid truncateTo,
        Zxid installSnapshot,
        List<Txn> entries,
        List<Outbound> messages,
        List<Txn> committed,
        List<Outbound> sendFirst) {

    /** A Ready with nothing to send ahead of its persistence. */
    public Ready(HardState hardState, Zxid truncateTo, Zxid installSnapshot, List<Txn> entries,
                 List<Outbound> messages, List<Txn> committed) {
        this(hardState, truncateTo, installSnapshot, entries, messages, committed, List.of());
    }

    /** True if something must be made durable before the messages go out. */
    public boolean mustPersist() {
        return hardState != null || truncateTo != null || installSnapshot != null || !entries.isEmpty();
    }

    /**
     * True if {@code committed} must wait until the messages are sent: this Ready installs a snapshot, or ships one
     * (a SNAP carries exactly the state before these commits).
     */
    public boolean appliesAfterMessages() {
        return installSnapshot != null || shipsSnapshot(messages);
    }

    /** True if {@code messages} carry a SNAP. */
    static boolean shipsSnapshot(List<Outbound> messages) {
        for (Outbound o : messages) {
            if (o.message() instanceof Message.Snap) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return !mustPersist() && sendFirst.isEmpty() && messages.isEmpty() && committed.isEmpty();
    }
}
