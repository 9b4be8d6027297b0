package dev.corral.zab.sim;

import dev.corral.zab.Message;

/**
 * Directed links with per-link FIFO delivery and random delay. A link can be down (messages sent on it are dropped)
 * and breaking it drops what was in flight (each break bumps the link's generation; stale deliveries are discarded).
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
        long at = Math.max(sim.now() + 1 + sim.random().nextInt(12), lastDelivery[from][to]);
        lastDelivery[from][to] = at;
        long gen = generation[from][to];
        sim.schedule(at, () -> deliver(from, to, m, attachment, gen), null);
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
