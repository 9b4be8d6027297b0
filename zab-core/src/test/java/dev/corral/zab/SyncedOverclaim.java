package dev.corral.zab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Planted bug SYNCED_OVERCLAIM, on a leader's wire: the leader's SYNCED names the last entry it has sent a follower
 * (written to its log, perhaps not yet fsynced) instead of the end of its durable log. A follower then commits entries
 * that only it holds durably, once its own fsync ends before the leader's: the checker sees "committed is durable on
 * a quorum" fail.
 */
public final class SyncedOverclaim implements WireTap {
    private final Runnable onRewrite;
    private final Map<Integer, Zxid> lastSent = new HashMap<>();

    /** @param onRewrite called for every SYNCED that now claims more than the leader's durable log */
    public SyncedOverclaim(Runnable onRewrite) {
        this.onRewrite = onRewrite;
    }

    @Override
    public List<Outbound> sending(List<Outbound> out) {
        List<Outbound> result = new ArrayList<>(out.size());
        for (Outbound o : out) {
            Message m = o.message();
            if (m instanceof Message.Proposal p && !p.txns().isEmpty()) {
                lastSent.put(o.to(), p.txns().get(p.txns().size() - 1).zxid());
            } else if (m instanceof Message.Synced s) {
                Zxid sent = lastSent.get(o.to());
                if (sent != null && sent.epoch() == s.epoch() && sent.isAfter(s.zxid())) {
                    m = new Message.Synced(s.epoch(), sent);
                    onRewrite.run();
                }
            }
            result.add(m == o.message() ? o : new Outbound(o.to(), m));
        }
        return result;
    }
}
