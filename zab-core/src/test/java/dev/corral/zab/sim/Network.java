package dev.corral.zab.sim;

import dev.corral.zab.Message;

/**
 * Directed links with per-link FIFO delivery and random delay. A link can be down (messages sent on it are dropped)
 * and breaking it drops what was in flight (each break bumps the link's generation; stale deliveries are discarded).
 *
 * <p>Under {@link FaultProfile#DISCOVERY_RACE}, during the fault phase, discovery messages are slower and a leader's
 * discovery messages may break their connection (see {@link FaultProfile}).
 */
final class Network {
    private final Simulation sim;
    private final int n;
    private final boolean[][] up;
    private final long[][] generation;
    private final long[][] lastDelivery;
    long sent;
    long dropped;

    Network(Simulation sim, int n) {
        this.sim = sim;
        this.n = n;
        up = new boolean[n + 1][n + 1];
        generation = new long[n + 1][n + 1];
        lastDelivery = new long[n + 1][n + 1];
        healAll();
    }

    void send(int from, int to, Message m, Object attachment) {
        sent++;
        if (!up[from][to]) {
            dropped++;
            return;
        }
        FaultProfile profile = sim.config().profile();
        boolean discovery = sim.inFaultPhase() && isDiscovery(m);
        if (discovery && profile.discoveryBreakPct() > 0 && isFromLeader(m)
                && sim.random().nextInt(100) < profile.discoveryBreakPct()) {
            dropped++;
            sim.count("fault.discoveryBreak");
            sim.connectionReset(from, to);
            return;
        }
        long delay = 1 + sim.random().nextInt(12);
        if (discovery && profile.discoveryDelayMax() > 0) {
            delay += sim.random().nextInt(profile.discoveryDelayMax());
        }
        long at = Math.max(sim.now() + delay, lastDelivery[from][to]);
        lastDelivery[from][to] = at;
        long gen = generation[from][to];
        sim.schedule(at, () -> deliver(from, to, m, attachment, gen), null);
    }

    /** Discovery and the start of synchronization: the messages of the epoch promise race. */
    static boolean isDiscovery(Message m) {
        return m instanceof Message.FollowerInfo || m instanceof Message.AckEpoch || isFromLeader(m);
    }

    /** What a leader sends a follower between its FOLLOWERINFO and its NEWLEADER ACK. */
    private static boolean isFromLeader(Message m) {
        return m instanceof Message.NewEpoch || m instanceof Message.Diff || m instanceof Message.Trunc
                || m instanceof Message.Snap || m instanceof Message.NewLeader;
    }

    private void deliver(int from, int to, Message m, Object attachment, long gen) {
        if (gen != generation[from][to] || !up[from][to]) {
            dropped++;
            return;
        }
        sim.host(to).receive(from, m, attachment);
    }

    /** Takes the link from->to down and loses what is in flight on it. */
    void cut(int from, int to) {
        up[from][to] = false;
        generation[from][to]++;
    }

    void restore(int from, int to) {
        up[from][to] = true;
    }

    /** A process died: its connections close, in both directions, losing what was in flight. */
    void resetConnections(int id) {
        for (int j = 1; j <= n; j++) {
            generation[id][j]++;
            generation[j][id]++;
        }
    }

    void healAll() {
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= n; j++) {
                up[i][j] = true;
            }
        }
    }

    boolean isUp(int from, int to) {
        return up[from][to];
    }
}
