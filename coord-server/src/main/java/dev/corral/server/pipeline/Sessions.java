package dev.corral.server.pipeline;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.session.Session;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.Jute;
import java.util.Arrays;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.ConnectResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Session life: the connect handshake (new or resumed), close, and expiry. */
final class Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final ServerContext ctx;
    private final TxnCommitter committer;

    Sessions(ServerContext ctx, TxnCommitter committer) {
        this.ctx = ctx;
        this.committer = committer;
    }

    void connect(ClientConnection conn, ConnectRequest req, boolean legacy, long nowMs) {
        if (req.getLastZxidSeen() > ctx.lastZxid) {
            // The client saw a newer state than ours; ZooKeeper refuses so the client tries another server.
            LOG.info("refusing client that has seen zxid 0x{} (ours is 0x{})",
                    Long.toHexString(req.getLastZxidSeen()), Long.toHexString(ctx.lastZxid));
            ctx.outbox.close(conn);
            return;
        }
        int timeout = Math.max(ctx.config.minSessionTimeout(), Math.min(ctx.config.maxSessionTimeout(), req.getTimeOut()));
        conn.authIds.clear();
        conn.authIds.add(AuthIds.ip(conn.remoteIp()));
        long sessionId = req.getSessionId();
        if (sessionId == 0) {
            newSessions.create(conn, timeout, legacy, nowMs);
            return;
        }
        // As ZooKeeper does, drop whichever connection holds the session before checking the password.
        ClientConnection previous = ctx.owners.get(sessionId);
        if (previous != null && previous != conn) {
            unbind(previous);
            ctx.outbox.close(previous);
        }
        Session session = ctx.sessions.get(sessionId);
        if (session == null || session.closing() || !Arrays.equals(session.password(), req.getPasswd())) {
            ctx.outbox.send(conn, connectResponse(legacy, new ConnectResponse(0, 0, 0, new byte[16], false)));
            ctx.outbox.close(conn);
            return;
        }
        session.touch(nowMs);
        bind(conn, sessionId);
        ctx.outbox.send(conn, connectResponse(legacy, new ConnectResponse(0, timeout, sessionId, session.password(), false)));
    }

    /** Makes a new session for a connecting client; standalone creates it at once, an ensemble via the leader. */
    interface NewSessionHandler {
        void create(ClientConnection conn, int timeoutMs, boolean legacy, long nowMs);
    }

    NewSessionHandler newSessions = this::createLocally;

    private void createLocally(ClientConnection conn, int timeout, boolean legacy, long nowMs) {
        long sessionId = ctx.sessions.newSessionId();
        byte[] password = ctx.sessions.newPassword();
        committer.commit(new Txn.CreateSession(sessionId, password, timeout));
        ctx.sessions.add(sessionId, password, timeout, nowMs);
        established(conn, sessionId, password, timeout, legacy);
    }

    /** Binds {@code conn} to a session that now exists and tells the client. */
    void established(ClientConnection conn, long sessionId, byte[] password, int timeout, boolean legacy) {
        bind(conn, sessionId);
        ctx.outbox.send(conn, connectResponse(legacy, new ConnectResponse(0, timeout, sessionId, password, false)));
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

    /** The client asked to close its session: delete its ephemerals, reply, then close the connection. */
    long close(ClientConnection conn) {
        long zxid = end(conn.sessionId);
        return zxid;
    }

    void expire(long nowMs) {
        for (Session s : ctx.sessions.expired(nowMs)) {
            LOG.info("session 0x{} expired after {} ms of silence", Long.toHexString(s.id()), s.timeoutMs());
            ClientConnection owner = ctx.owners.get(s.id());
            end(s.id());
            if (owner != null) {
                ctx.outbox.close(owner);
            }
        }
    }

    private long end(long sessionId) {
        Session session = ctx.sessions.get(sessionId);
        if (session != null) {
            session.markClosing();
        }
        long zxid = committer.commit(new Txn.CloseSession(sessionId)).zxid();
        ctx.sessions.remove(sessionId);
        ClientConnection owner = ctx.owners.remove(sessionId);
        if (owner != null) {
            ctx.watches.removeAll(owner);
            owner.connected = false;
        }
        return zxid;
    }

    void disconnected(ClientConnection conn) {
        ctx.watches.removeAll(conn);
        unbind(conn);
    }

    private void bind(ClientConnection conn, long sessionId) {
        conn.sessionId = sessionId;
        conn.connected = true;
        ctx.owners.put(sessionId, conn);
    }

    private void unbind(ClientConnection conn) {
        if (conn.connected && ctx.owners.get(conn.sessionId) == conn) {
            ctx.owners.remove(conn.sessionId);
        }
        ctx.watches.removeAll(conn);
        conn.connected = false;
    }
}
