package dev.corral.zab;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fast leader election (ZooKeeper's FLE): peers in a round exchange votes, each adopting the best candidate it hears
 * of by (currentEpoch, last zxid, id), and decide once a quorum holds the same vote. A peer that finds the others
 * already following someone joins that leader once a quorum says so and the leader itself says it leads.
 *
 * <p>Election only has to be live, not safe: discovery refuses a leader that a quorum member is ahead of.
 *
 * <p>An observer (a member that is not a voter) looks for the leader the voters elect, as in ZooKeeper: every peer
 * ignores an election vote sent by a non-voter or naming one, and an observer starts with a vote that any voter's vote
 * replaces, so it never proposes itself and only ever decides for the voters' choice.
 */
final class Election {
    private final ZabNode node;
    private long round;
    private Vote proposal;
    private Vote decided;
    /** A quorum agrees but not every voter has spoken: decide on the next tick unless a better vote turns up. */
    private boolean finalizing;
    private final Map<Integer, Vote> votes = new TreeMap<>();
    private final Map<Integer, Message.Notification> outOfElection = new TreeMap<>();
    /**
     * The peer a leadership transfer handed over to, for the next decision only: between votes of equal history
     * it wins the tie-break that would otherwise go to the higher id. Safe: which peer leads is never part of ZAB's
     * safety, and the preference never outranks a longer history.
     */
    private int preferred = -1;
    private Zxid preferredZxid = Zxid.ZERO;

    Election(ZabNode node) {
        this.node = node;
    }

    long round() {
        return round;
    }

    /** The next election prefers {@code target}, which the leader that handed over said holds {@code lastZxid}. */
    void prefer(int target, Zxid lastZxid) {
        preferred = target;
        preferredZxid = lastZxid;
    }

    void start() {
        round++;
        votes.clear();
        outOfElection.clear();
        decided = null;
        finalizing = false;
        proposal = node.selfVote();
        if (preferred >= 0 && node.configs.active().isVoter(preferred)) {
            Vote nominee = new Vote(preferred, preferredZxid, node.currentEpoch);
            if (better(nominee, proposal)) {
                proposal = nominee;
            }
        }
        votes.put(node.myId, proposal);
        broadcast();
        maybeDecide();
    }

    void onTick() {
        if (finalizing) {
            // ZooKeeper's finalizeWait: nobody better spoke up within a tick, so the quorum's choice stands.
            finalizing = false;
            if (node.quorum.containsQuorum(agreeing())) {
                decide(proposal);
                return;
            }
        }
        // Votes are lost when links break; re-sending them every tick keeps election live.
        broadcast();
    }

    void onNotification(int from, Message.Notification n) {
        if (n.config() != null && node.learnConfig(n.configCounter(), n.config()) && node.role == Role.LOOKING
                && !votesForVoter(proposal) && votesForVoter(node.selfVote())) {
            // The config we learned makes our vote one for a non-voter, which nobody would ever count: vote anew.
            proposal = node.selfVote();
            votes.put(node.myId, proposal);
            broadcast();
        }
        if (node.role != Role.LOOKING) {
            if (n.state() == Role.LOOKING) {
                tellDecision(from);
            } else if (n.state() == Role.FOLLOWING && node.role == Role.FOLLOWING && from == node.leaderId()) {
                // The peer we follow follows someone else: it will never lead us. Looking again is always safe.
                node.lastProtocolError = "leader " + from + " follows " + n.vote().leader();
                node.startLooking();
            }
            return;
        }
        if (n.state() == Role.LOOKING) {
            if (!node.quorum.isVoter(from)) {
                return; // an observer's vote (ZooKeeper's validVoter check): it answers only once we decide
            }
            // A voter's vote for a peer that is no voter to us (its config differs from ours around a change) is not
            // counted or adopted, but its round still counts: else two views of the config could wait on each other.
            boolean valid = votesForVoter(n.vote());
            if (n.round() > round) {
                round = n.round();
                votes.clear();
                Vote self = node.selfVote();
                proposal = valid && (better(n.vote(), self) || !votesForVoter(self)) ? n.vote() : self;
                broadcast();
            } else if (n.round() < round) {
                sendVote(from);
                return;
            } else if (valid && (better(n.vote(), proposal) || !votesForVoter(proposal))) {
                proposal = n.vote();
                finalizing = false;
                broadcast();
            }
            if (!valid) {
                votes.remove(from);
                votes.put(node.myId, proposal);
                maybeDecide();
                return;
            }
            votes.put(from, n.vote());
            votes.put(node.myId, proposal);
            maybeDecide();
        } else {
            outOfElection.put(from, n);
            int leader = n.vote().leader();
            Message.Notification fromLeader = outOfElection.get(leader);
            if (leader == node.myId || fromLeader == null || fromLeader.state() != Role.LEADING) {
                return;
            }
            Set<Integer> agreeing = new HashSet<>();
            for (Map.Entry<Integer, Message.Notification> e : outOfElection.entrySet()) {
                if (e.getValue().vote().leader() == leader) {
                    agreeing.add(e.getKey());
                }
            }
            // Joining a leader that is already there asks the committed config only, not a pending one as well: a
            // pending entry in our log may be a stale, uncommitted tail that only this sync can truncate (sim seed
            // 112 of the reconfig profile stayed LOOKING for good). Safe: discovery, not election, keeps ZAB safe.
            if (node.configs.active().containsQuorum(agreeing)) {
                round = Math.max(round, n.round());
                decide(n.vote());
            }
        }
    }

    /** Sends this (looking) peer's current vote to {@code peer} alone. */
    void sendVote(int peer) {
        node.send(peer, new Message.Notification(round, proposal, Role.LOOKING, node.configs.active(),
                node.configs.activeCounter()));
    }

    /** Tells {@code peer} what this (no longer looking) peer decided, and in which role it is now. */
    void tellDecision(int peer) {
        if (decided != null) {
            node.send(peer, new Message.Notification(round, decided, node.role, node.configs.active(),
                    node.configs.activeCounter()));
        }
    }

    /**
     * Only a voter of the committed config can be a candidate (ZooKeeper's totalOrderPredicate gives weight 0 to the
     * others), not one that only a pending config lists: peers whose logs lack the pending entry would never count a
     * vote for it, and the peers that have it would wait for them forever (reconfig seed 112, 5 peers).
     */
    private boolean votesForVoter(Vote v) {
        return node.configs.active().isVoter(v.leader());
    }

    private Set<Integer> agreeing() {
        Set<Integer> agreeing = new HashSet<>();
        for (Map.Entry<Integer, Vote> e : votes.entrySet()) {
            if (e.getValue().equals(proposal)) {
                agreeing.add(e.getKey());
            }
        }
        return agreeing;
    }

    private void maybeDecide() {
        if (!votesForVoter(proposal)) {
            return; // an observer that has heard no voter yet
        }
        Set<Integer> agreeing = agreeing();
        if (agreeing.containsAll(node.quorum.voters())) {
            decide(proposal);
        } else {
            finalizing = node.quorum.containsQuorum(agreeing);
        }
    }

    /** {@link Vote#beats}, except that between equal histories the preferred peer wins. */
    private boolean better(Vote a, Vote b) {
        if (preferred >= 0 && a.epoch() == b.epoch() && a.zxid().equals(b.zxid())
                && (a.leader() == preferred) != (b.leader() == preferred)) {
            return a.leader() == preferred;
        }
        return a.beats(b);
    }

    private void decide(Vote v) {
        decided = v;
        preferred = -1;
        node.elected(v.leader());
    }

    private void broadcast() {
        for (int peer : node.quorum.members()) {
            if (peer != node.myId) {
                sendVote(peer);
            }
        }
        // A leader others report following may be in no config we know (our view is older than theirs): ask it
        // too, or we would never hear it say LEADING.
        for (Message.Notification n : outOfElection.values()) {
            int leader = n.vote().leader();
            if (leader != node.myId && !node.quorum.members().contains(leader) && !outOfElection.containsKey(leader)) {
                sendVote(leader);
            }
        }
    }
}
