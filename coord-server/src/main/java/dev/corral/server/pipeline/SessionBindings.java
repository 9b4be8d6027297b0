package dev.corral.server.pipeline;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Which connection each session is bound to right now. Owned by the processor thread; {@link Sessions} writes it. */
public final class SessionBindings {
    private final Map<Long, ClientConnection> owners = new HashMap<>();

    /** The connection bound to {@code sessionId}, or null. */
    public ClientConnection get(long sessionId) {
        return owners.get(sessionId);
    }

    public Collection<ClientConnection> all() {
        return owners.values();
    }

    void bind(long sessionId, ClientConnection conn) {
        owners.put(sessionId, conn);
    }

    ClientConnection remove(long sessionId) {
        return owners.remove(sessionId);
    }
}
