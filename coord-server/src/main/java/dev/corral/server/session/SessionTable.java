package dev.corral.server.session;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions this server knows, with their deadlines. Owned by the request processor thread; not thread-safe.
 */
public final class SessionTable {
    private final Map<Long, Session> sessions = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private long nextId;

    /**
     * @param serverId  goes into the top byte of every session id, as in ZooKeeper
     * @param nowMs     wall-clock time, which seeds the id counter so ids are not reused across restarts
     */
    public SessionTable(long serverId, long nowMs) {
        this.nextId = ((nowMs << 24) >>> 8) | (serverId << 56);
    }

    public long newSessionId() {
        long id;
        do {
            id = nextId++;
        } while (id == 0 || sessions.containsKey(id));
        return id;
    }

    public byte[] newPassword() {
        byte[] password = new byte[16];
        random.nextBytes(password);
        return password;
    }

    public Session add(long id, byte[] password, int timeoutMs, long nowMs) {
        Session session = new Session(id, password, timeoutMs, nowMs);
        sessions.put(id, session);
        return session;
    }

    public Session get(long id) {
        return sessions.get(id);
    }

    public Session remove(long id) {
        return sessions.remove(id);
    }

    public int size() {
        return sessions.size();
    }

    /** Sessions whose deadline has passed and that are not already being closed. */
    public List<Session> expired(long nowMs) {
        List<Session> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (!s.closing() && s.deadlineMs() < nowMs) {
                out.add(s);
            }
        }
        return out;
    }

    public Iterable<Session> all() {
        return sessions.values();
    }
}
