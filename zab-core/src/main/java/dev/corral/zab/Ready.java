package dev.corral.zab;

import java.util.List;

/**
 * What the host must do now, in this order: make the persistence part durable ({@code hardState}, then
 * {@code truncateTo}, then {@code installSnapshot}, then append {@code entries}, then fsync); only then send
 * {@code messages} in list order; then apply {@code committed} in zxid order; then call {@link ZabNode#advance(Ready)}.
 *
 * @param hardState       epochs to persist, or null if unchanged
 * @param truncateTo      drop every durable log entry with a counter above this zxid's, or null
 * @param installSnapshot the snapshot received with a {@link Message.Snap} at this zxid must be installed durably: the
 *                        state machine becomes the snapshot and the log is emptied with this zxid as its base; or null
 * @param entries         transactions to append to the log, consecutive
 * @param messages        to send once everything above is durable
 * @param committed       transactions to apply, in zxid order (all already appended, in this or an earlier Ready)
 */
public record Ready(
        HardState hardState,
        Zxid truncateTo,
        Zxid installSnapshot,
        List<Txn> entries,
        List<Outbound> messages,
        List<Txn> committed) {

    /** True if something must be made durable before the messages go out. */
    public boolean mustPersist() {
        return hardState != null || truncateTo != null || installSnapshot != null || !entries.isEmpty();
    }

    public boolean isEmpty() {
        return !mustPersist() && messages.isEmpty() && committed.isEmpty();
    }
}
