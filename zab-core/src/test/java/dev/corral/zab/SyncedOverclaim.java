package dev.corral.zab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Planted bug SYNCED_OVERCLAIM, on a leader's wire: the leader announces its log durable as soon as it has written a
 * proposal, before its fsync: a SYNCED naming the proposal's last entry follows every PROPOSAL to a follower in
 * broadcast (one it has sent a COMMIT or SYNCED in that epoch). A follower then commits entries that only it holds
 * durably, whenever its own fsync ends before the leader's: the checker sees "committed is durable on a quorum" fail.
 */
public final class SyncedOverclaim implements WireTap {
    private final Runnable onRewrite;
    /** Per follower, the epoch in which it was last sent a COMMIT or SYNCED (so it is broadcasting in it). */
    private final Map<Integer, Long> broadcasting = new HashMap<>();

    /** @param onRewrite called for every SYNCED added */
    public SyncedOverclaim(Runnable onRewrite) {
        this.onRewrite = onRewrite;
    }

    @Override
    public List<Outbound> sending(List<Outbound> out) {
        List<Outbound> result = new ArrayList<>(out.size());
        for (Outbound o : out) {
            result.add(o);
            Message m = o.message();
            if (m instanceof Message.Commit c) {
                broadcasting.put(o.to(), c.epoch());
            } else if (m instanceof Message.Synced s) {
                broadcasting.put(o.to(), s.epoch());
            } else if (m instanceof Message.Proposal p && !p.txns().isEmpty()
                    && broadcasting.getOrDefault(o.to(), -1L) == p.epoch()) {
                result.add(new Outbound(o.to(), new Message.Synced(p.epoch(), p.txns().get(p.txns().size() - 1).zxid())));
                onRewrite.run();
            }
        }
        return result;
    }
}
