package dev.corral.server.session;

/** A live client session: its identity, negotiated timeout and when it was last heard from. */
public final class Session {
    private final long id;
    private final byte[] password;
    private final int timeoutMs;
    private long deadlineMs;
    private boolean closing;

    Session(long id, byte[] password, int timeoutMs, long nowMs) {
        this.id = id;
        this.password = password;
        this.timeoutMs = timeoutMs;
        touch(nowMs);
    }

    public long id() {
        return id;
    }

    public byte[] password() {
        return password;
    }

    public int timeoutMs() {
        return timeoutMs;
    }

    /** Any packet from the client keeps the session alive for another timeout. */
    public void touch(long nowMs) {
        deadlineMs = nowMs + timeoutMs;
    }

    public long deadlineMs() {
        return deadlineMs;
    }

    /** Set once a close or expiry is under way, so no further requests are accepted. */
    public boolean closing() {
        return closing;
    }

    public void markClosing() {
        closing = true;
    }
}
