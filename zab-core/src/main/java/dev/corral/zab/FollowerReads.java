package dev.corral.zab;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A follower's linearizable reads, asked of its leader in numbered batches, up to {@link #MAX_OUTSTANDING} at once, so
 * a read arriving while a batch is out is asked for at once instead of after that batch's answer. The leader answers
 * a batch with the index of a round that began after the batch arrived, so that index covers every read asked in
 * that batch or an earlier one: an answer confirms every batch up to its number (one lost answer costs nothing).
 */
final class FollowerReads {
    /** Batches out at once; the reads arriving meanwhile wait for an answer and go as one batch. */
    static final int MAX_OUTSTANDING = 4;

    private final ZabNode node;
    private List<Long> waiting = new ArrayList<>();
    /** Batches asked and not answered, oldest first. */
    private final Map<Long, List<Long>> outstanding = new LinkedHashMap<>();
    /** The newest batch asked for; numbers come from the node, so no two sessions with a leader share one. */
    private long batch;
    /** When the newest batch was last asked for. */
    private long askedAt;

    FollowerReads(ZabNode node) {
        this.node = node;
    }

    void request(List<Long> ids, int leader, long epoch) {
        waiting.addAll(ids);
        ask(leader, epoch);
    }

    private void ask(int leader, long epoch) {
        if (waiting.isEmpty() || outstanding.size() >= MAX_OUTSTANDING) {
            return;
        }
        batch = node.nextReadBatch();
        outstanding.put(batch, waiting);
        waiting = new ArrayList<>();
        askedAt = node.now;
        node.sendUnordered(leader, new Message.ReadIndexRequest(epoch, batch));
    }

    /** The leader's answer (this epoch, while broadcasting). */
    void onReply(Message.ReadIndexReply r, int leader) {
        boolean any = false;
        for (Iterator<Map.Entry<Long, List<Long>>> it = outstanding.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<Long>> e = it.next();
            if (e.getKey() > r.batch()) {
                break;
            }
            for (long id : e.getValue()) {
                node.confirmRead(id, r.index());
            }
            it.remove();
            any = true;
        }
        if (any) {
            ask(leader, r.epoch());
        }
    }

    /**
     * A tick: if the newest batch waits since before the last tick, the leader dropped it (a new session of ours
     * there) or is slow: ask it again, same number; its answer covers the older ones too.
     */
    void onTick(int leader, long epoch) {
        if (!outstanding.isEmpty() && node.now - askedAt > 1) {
            askedAt = node.now;
            node.sendUnordered(leader, new Message.ReadIndexRequest(epoch, batch));
        }
    }
}
