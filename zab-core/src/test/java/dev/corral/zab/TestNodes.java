package dev.corral.zab;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-only bridge into package-private parts of the core: a view of the in-memory log, the simulator's stale election
 * views, and the last protocol error. (Planted bugs are not here: they are injected around the node, see
 * {@code sim.PlantedBug}.)
 */
public final class TestNodes {
    private TestNodes() {}

    /** The zxids in the node's log, starting with its snapshot base. */
    public static List<Zxid> logZxids(ZabNode node) {
        List<Zxid> out = new ArrayList<>();
        out.add(node.log.base());
        for (long c = node.log.base().counter() + 1; c <= node.log.lastCounter(); c++) {
            out.add(node.log.get(c).zxid());
        }
        return out;
    }

    /**
     * Stale election view, simulator only: a LOOKING peer decides for itself through its own election code, shown LOOKING
     * votes for its own vote from every other voter in its next round. A peer that is not LOOKING is left alone.
     */
    public static void staleLead(ZabNode node) {
        if (node.role() != Role.LOOKING) {
            return;
        }
        Vote self = node.selfVote();
        long round = node.election.round() + 1;
        for (int v : node.quorum.voters()) {
            if (v != node.myId && node.role() == Role.LOOKING) {
                node.step(v, new Message.Notification(round, self, Role.LOOKING));
            }
        }
    }

    /**
     * Stale election view, simulator only: a LOOKING peer that has just heard {@code leader} say it is LEADING decides to
     * follow it through its own election code, shown FOLLOWING reports naming it from enough others for a quorum (as if
     * those reports, once true, were still current). A peer that is not LOOKING is left alone.
     */
    public static void staleFollow(ZabNode node, int leader, Vote leaderVote) {
        if (node.role() != Role.LOOKING || leader == node.myId) {
            return;
        }
        long round = node.election.round();
        node.step(leader, new Message.Notification(round, leaderVote, Role.LEADING));
        for (int v : node.quorum.members()) {
            if (node.role() != Role.LOOKING) {
                break;
            }
            if (v != node.myId && v != leader) {
                node.step(v, new Message.Notification(round, leaderVote, Role.FOLLOWING));
            }
        }
    }

    public static String lastProtocolError(ZabNode node) {
        return node.lastProtocolError;
    }
}
