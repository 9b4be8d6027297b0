package dev.corral.zab;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The host's linearizable reads inside a {@link ZabNode}: registered, issued to the current role (the established
 * leader's {@link ReadRounds} or a broadcasting follower), confirmed with a read index. A read stays unconfirmed across
 * role changes, and a new role object is handed every unconfirmed read again: whatever the old one had in flight is
 * void.
 */
final class PendingReads {
    private final Set<Long> unconfirmed = new LinkedHashSet<>();
    private final List<Long> unissued = new ArrayList<>();
    /** The role object the unconfirmed reads were issued to. */
    private Object issuedTo;
    private List<ReadIndex> confirmed = new ArrayList<>();

    void request(long id) {
        if (unconfirmed.add(id)) {
            unissued.add(id);
        }
    }

    /** Whether {@link #issue} has reads for {@code target} (null: nowhere to issue them now). */
    boolean toIssue(Object target) {
        return target != null && (target != issuedTo ? !unconfirmed.isEmpty() : !unissued.isEmpty());
    }

    /** The reads to hand to {@code target} now. */
    List<Long> issue(Object target) {
        if (target != issuedTo) {
            issuedTo = target;
            unissued.clear();
            unissued.addAll(unconfirmed);
        }
        List<Long> ids = new ArrayList<>(unissued);
        unissued.clear();
        return ids;
    }

    void confirm(long id, Zxid index) {
        if (unconfirmed.remove(id)) {
            confirmed.add(new ReadIndex(id, index));
        }
    }

    List<ReadIndex> takeConfirmed() {
        if (confirmed.isEmpty()) {
            return List.of();
        }
        List<ReadIndex> out = confirmed;
        confirmed = new ArrayList<>();
        return out;
    }

    boolean hasConfirmed() {
        return !confirmed.isEmpty();
    }
}
