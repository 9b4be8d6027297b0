package dev.corral.server.net;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** maxClientCnxns: how many connections one IP address may hold at once (0 means no limit). */
final class ConnectionLimiter {
    private final int maxPerIp;
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    ConnectionLimiter(int maxPerIp) {
        this.maxPerIp = maxPerIp;
    }

    boolean tryAcquire(String ip) {
        AtomicInteger count = counts.computeIfAbsent(ip, k -> new AtomicInteger());
        if (maxPerIp > 0 && count.incrementAndGet() > maxPerIp) {
            count.decrementAndGet();
            return false;
        }
        if (maxPerIp <= 0) {
            count.incrementAndGet();
        }
        return true;
    }

    void release(String ip) {
        AtomicInteger count = counts.get(ip);
        if (count != null) {
            count.decrementAndGet();
        }
    }
}
