package dev.corral.server.admin;

/**
 * ZooKeeper's admin RateLimiter (org.apache.zookeeper.server.util.RateLimiter): {@code rate} permits per interval,
 * the interval restarting at the first request after it has passed (not a sliding window), the first interval
 * starting when the limiter is made.
 */
final class RateLimiter {
    private final int rate;
    private final long intervalMs;
    private long lastResetMs;
    private int remaining;

    RateLimiter(int rate, long intervalMs) {
        this.rate = rate;
        this.intervalMs = intervalMs;
        this.lastResetMs = nowMs();
        this.remaining = rate;
    }

    synchronized boolean allow() {
        long now = nowMs();
        if (now > lastResetMs + intervalMs) {
            remaining = rate;
            lastResetMs = now;
        }
        if (remaining > 0) {
            remaining--;
            return true;
        }
        return false;
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000L;
    }
}
