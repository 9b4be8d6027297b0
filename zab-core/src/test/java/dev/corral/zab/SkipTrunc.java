package dev.corral.zab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Planted bug SKIP_TRUNC, on a leader's wire: the leader sends a DIFF where it should TRUNC a follower's divergent
 * tail, as if the follower's uncommitted entries were its own. The leader plans the sync of follower F from the
 * ACKEPOCH F sent (its last zxid and epoch runs) and sends, in one Ready, {@code TRUNC(common)}, the proposals after
 * {@code common}, then {@code NEWLEADER(last)}. This tap remembers the last ACKEPOCH each peer sent the node, and
 * rewrites that run into what the buggy leader sent: {@code DIFF(F's last zxid)} and only the proposals after F's last
 * zxid. Like the buggy leader, it does so only when F's last zxid is not beyond the leader's last zxid (otherwise the
 * leader TRUNCs as it should). F keeps its divergent entries, and a commit of the leader's entries at higher counters
 * then covers them: the checker sees "agreement" or "committed is durable on a quorum" fail.
 */
public final class SkipTrunc implements WireTap {
    private final Runnable onRewrite;
    private final Map<Integer, Message.AckEpoch> lastAckEpoch = new HashMap<>();

    /** @param onRewrite called for every TRUNC turned into a DIFF (to show the bug is exercised) */
    public SkipTrunc(Runnable onRewrite) {
        this.onRewrite = onRewrite;
    }

    @Override
    public void received(int from, Message m) {
        if (m instanceof Message.AckEpoch a) {
            lastAckEpoch.put(from, a);
        }
    }

    @Override
    public List<Outbound> sending(List<Outbound> out) {
        List<Outbound> result = null;
        Map<Integer, Long> skipUpTo = new HashMap<>(); // peer -> proposals up to this counter are dropped
        for (int i = 0; i < out.size(); i++) {
            Outbound o = out.get(i);
            Message m = o.message();
            Message.AckEpoch a = lastAckEpoch.get(o.to());
            Message.NewLeader nl;
            if (m instanceof Message.Trunc t && a != null && a.epoch() == t.epoch() && a.lastZxid().isAfter(t.to())
                    && (nl = newLeaderFor(out, i, o.to())) != null
                    && a.lastZxid().counter() <= nl.lastZxid().counter()) {
                if (result == null) {
                    result = new ArrayList<>(out.subList(0, i));
                }
                result.add(new Outbound(o.to(), new Message.Diff(t.epoch(), a.lastZxid())));
                skipUpTo.put(o.to(), a.lastZxid().counter());
                onRewrite.run();
                continue;
            }
            Long skip = skipUpTo.get(o.to());
            if (skip != null && m instanceof Message.Proposal p) {
                List<Txn> kept = new ArrayList<>();
                for (Txn t : p.txns()) {
                    if (t.counter() > skip) {
                        kept.add(t);
                    }
                }
                if (!kept.isEmpty()) {
                    result.add(new Outbound(o.to(), new Message.Proposal(p.epoch(), kept)));
                }
                continue;
            }
            if (skip != null && m instanceof Message.NewLeader) {
                skipUpTo.remove(o.to());
            }
            if (result != null) {
                result.add(o);
            }
        }
        return result == null ? out : result;
    }

    /** The NEWLEADER that ends the sync run to {@code peer} starting at index {@code i}, or null if not in this batch. */
    private static Message.NewLeader newLeaderFor(List<Outbound> out, int i, int peer) {
        for (int j = i + 1; j < out.size(); j++) {
            Outbound o = out.get(j);
            if (o.to() != peer) {
                continue;
            }
            if (o.message() instanceof Message.NewLeader nl) {
                return nl;
            }
            if (!(o.message() instanceof Message.Proposal)) {
                return null;
            }
        }
        return null;
    }
}
