package dev.corral.zab;

import java.util.List;

/**
 * Finds where a follower's log and the leader's log last agree, from the epoch runs of each.
 *
 * <p>Why this is enough: an epoch has one leader, which hands out its zxids in order, and a peer accepts proposals of
 * epoch e only after being synced to e's leader. So two logs that hold the same zxid are identical up to it (the log
 * matching property), and every log holding entries of epoch e starts them at the same counter. The last common zxid
 * is therefore, over the epochs both logs contain, the highest end of the overlap of their runs.
 */
final class SyncPlanner {
    private SyncPlanner() {}

    /** The last zxid both logs hold (a snapshot base counts as held), or null if they share nothing. */
    static Zxid commonPoint(List<Zxid> leaderStarts, Zxid leaderLast, List<Zxid> followerStarts, Zxid followerLast) {
        Zxid best = null;
        for (int i = 0; i < followerStarts.size(); i++) {
            Zxid fs = followerStarts.get(i);
            long fEnd = runEnd(followerStarts, i, followerLast);
            for (int j = 0; j < leaderStarts.size(); j++) {
                Zxid ls = leaderStarts.get(j);
                if (ls.epoch() != fs.epoch()) {
                    continue;
                }
                long lo = Math.max(fs.counter(), ls.counter());
                long hi = Math.min(fEnd, runEnd(leaderStarts, j, leaderLast));
                if (lo <= hi) {
                    Zxid z = new Zxid(fs.epoch(), hi);
                    if (best == null || z.isAfter(best)) {
                        best = z;
                    }
                }
            }
        }
        return best;
    }

    private static long runEnd(List<Zxid> starts, int i, Zxid last) {
        return i + 1 < starts.size() ? starts.get(i + 1).counter() - 1 : last.counter();
    }
}
