package dev.corral.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * Planted bug ACCEPT_STALE_EPOCH, on a follower's wire: the follower takes a NEWEPOCH that is not above its
 * acceptedEpoch and reports it as a fresh promise. A correct follower that is sent NEWEPOCH(e) with e equal to its
 * acceptedEpoch (it already promised e, perhaps to another would-be leader) answers ACKEPOCH(e, ..., fresh=false), and
 * the leader does not count it toward its discovery quorum; this tap rewrites that answer to {@code fresh=true}, which
 * is exactly what the buggy follower sent (its state and every other message are the same). So two would-be leaders
 * that chose the same epoch can both count one peer's promise and both complete discovery of that epoch.
 *
 * <p>Narrower than the old in-core hook in one respect: a NEWEPOCH <em>below</em> the acceptedEpoch is still refused
 * (the follower goes back to election and sends no ACKEPOCH, so there is nothing to rewrite). The race this bug exists
 * to show, two leaders of one epoch, only needs the equal case.
 */
public final class StaleEpochPromise implements WireTap {
    private final Runnable onRewrite;

    /** @param onRewrite called for every promise reported fresh that was not (to show the bug is exercised) */
    public StaleEpochPromise(Runnable onRewrite) {
        this.onRewrite = onRewrite;
    }

    @Override
    public List<Outbound> sending(List<Outbound> out) {
        List<Outbound> result = null;
        for (int i = 0; i < out.size(); i++) {
            Outbound o = out.get(i);
            if (o.message() instanceof Message.AckEpoch a && !a.fresh()) {
                if (result == null) {
                    result = new ArrayList<>(out);
                }
                result.set(i, new Outbound(o.to(), new Message.AckEpoch(a.epoch(), a.currentEpoch(), a.lastZxid(),
                        a.epochStarts(), true, a.needsSnapshot())));
                onRewrite.run();
            }
        }
        return result == null ? out : result;
    }
}
