package dev.corral.server.pipeline;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.session.Session;
import dev.corral.server.wire.Jute;
import java.util.Arrays;
import java.util.OptionalInt;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session life as the connection sees it: the connect handshake (a resumed session here; a new one is the write
 * path's, since it is a txn), binding connections to sessions, and what a session's end leaves to clean up.
 */
public final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final ServerContext ctx;

    Sessions(ServerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Handles a connect request. Returns the negotiated timeout if the client asks for a new session (the caller
     * has the write path create it), or empty if the connect was answered here (resumed, refused or rejected).
     */
    OptionalInt connect(ClientConnection conn, ConnectRequest req, boolean legacy, long nowMs) {
        long last = ctx.zxids().last();
        if (req.getLastZxidSeen() > last) {
            // The client saw a newer state than ours; ZooKeeper refuses so the client tries another server.
            LOG.info("refusing client that has seen zxid 0x{} (ours is 0x{})",
                    Long.toHexString(req.getLastZxidSeen()), Long.toHexString(last));
            ctx.outbox().close(conn);
            return OptionalInt.empty();
        }
        int timeout = Math.max(ctx.config().minSessionTimeout(),
                Math.min(ctx.config().maxSessionTimeout(), req.getTimeOut()));
        conn.authIds.clear();
        conn.authIds.add(AuthIds.ip(conn.remoteIp()));
        conn.authIds.addAll(conn.transportAuthIds());
        long sessionId = req.getSessionId();
        if (sessionId == 0) {
            return OptionalInt.of(timeout);
        }
        // As ZooKeeper does, drop whichever connection holds the session before checking the password.
        ClientConnection previous = ctx.bindings().get(sessionId);
        if (previous != null && previous != conn) {
            unbind(previous);
            ctx.outbox().close(previous);
        }
        Session session = ctx.sessions().get(sessionId);
        if (session == null || session.closing() || !Arrays.equals(session.password(), req.getPasswd())) {
            ctx.outbox().send(conn, connectResponse(legacy, new ConnectResponse(0, 0, 0, new byte[16], false)));
            ctx.outbox().close(conn);
            return OptionalInt.empty();
        }
        session.touch(nowMs);
        bind(conn, sessionId);
        ctx.outbox().send(conn, connectResponse(legacy,
                new ConnectResponse(0, timeout, sessionId, session.password(), false)));
        return OptionalInt.empty();
    }

    /** Binds {@code conn} to a session that now exists and tells the client. */
    public void established(ClientConnection conn, long sessionId, byte[] password, int timeout, boolean legacy) {
        bind(conn, sessionId);
        ctx.outbox().send(conn, connectResponse(legacy, new ConnectResponse(0, timeout, sessionId, password, false)));
        LOG.debug("session 0x{} created, timeout {} ms", Long.toHexString(sessionId), timeout);
    }

    static byte[] connectResponse(boolean legacy, ConnectResponse response) {
        if (!legacy) {
            return Jute.recordFrame(response);
        }
        // Clients before 3.3 expect no trailing readOnly byte.
        byte[] body = Jute.serialize(response);
        return Jute.frame(body, body.length - 1);
    }

    /** The session is gone (closed or expired, its txn applied): forget it and unbind its connection. */
    void ended(long sessionId) {
        ctx.sessions().remove(sessionId);
        ClientConnection owner = ctx.bindings().remove(sessionId);
        if (owner != null) {
            ctx.watches().removeAll(owner);
            owner.connected = false;
        }
    }

    /** The connection is gone (or is being dropped): its watches go, the session stays for its timeout. */
    public void disconnected(ClientConnection conn) {
        ctx.watches().removeAll(conn);
        unbind(conn);
    }

    private void bind(ClientConnection conn, long sessionId) {
        conn.sessionId = sessionId;
        conn.connected = true;
        ctx.bindings().bind(sessionId, conn);
    }

    private void unbind(ClientConnection conn) {
        if (conn.connected && ctx.bindings().get(conn.sessionId) == conn) {
            ctx.bindings().remove(conn.sessionId);
        }
        ctx.watches().removeAll(conn);
        conn.connected = false;
    }
}
