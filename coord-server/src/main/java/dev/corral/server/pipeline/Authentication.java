package dev.corral.server.pipeline;

import dev.corral.server.config.SaslConfig;
import dev.corral.server.sasl.SaslLogin;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SASL on the client port (opcode 102, ZooKeeperServer.processSasl) and enforced authentication
 * (AuthenticationHelper): each connection gets its own SaslServer at its first SASL request, which the exchange
 * drives token by token; a completed exchange adds {@code sasl:<authorizedId>} (and {@code super} for a configured
 * super user) to the connection's ids.
 */
final class Authentication {
    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);

    private final ServerContext ctx;
    private final SaslLogin login;
    private final SaslConfig config;

    /** {@code login}: the server's JAAS login, or null when no JAAS section is configured. */
    Authentication(ServerContext ctx, SaslLogin login) {
        this.ctx = ctx;
        this.login = login;
        this.config = ctx.config().sasl();
    }

    /** Answers a SASL request: the next server token, or the failure and the connection's end. */
    void sasl(ClientConnection conn, int xid, BinaryInputArchive in) throws IOException {
        if (conn.refused) {
            return;
        }
        byte[] token;
        try {
            token = Jute.read(in, new GetSASLRequest()).getToken();
        } catch (IOException | RuntimeException e) {
            // ZooKeeper drops a connection whose SASL packet does not parse, without a reply (BadInputTest).
            ctx.outbox().close(conn);
            return;
        }
        byte[] response = null;
        if (conn.sasl == null && login != null) {
            conn.sasl = login.newServer();
        }
        SaslServer server = conn.sasl;
        // Without a SaslServer (no JAAS section) ZooKeeper trips over the missing object, logs it and answers OK
        // with no token; the client's mechanism then fails on its side.
        if (server != null) {
            try {
                response = server.evaluateResponse(token == null ? new byte[0] : token);
                if (server.isComplete()) {
                    String id = server.getAuthorizationID();
                    LOG.info("Session 0x{}: adding SASL authorization for authorizationID: {}",
                            Long.toHexString(conn.sessionId), id);
                    conn.authIds.add(new Id("sasl", id));
                    if (login.isSuperUser(id)) {
                        conn.authIds.add(new Id("super", ""));
                    }
                }
            } catch (SaslException e) {
                LOG.warn("Client {} failed to SASL authenticate: {}", conn.remoteAddress(), e.toString());
                if (!config.allowSaslFailedClients() || config.saslRequired()) {
                    int err = config.saslRequired() ? ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH
                            : ErrorCode.AUTH_FAILED;
                    ctx.outbox().send(conn, Jute.replyFrame(new ReplyHeader(xid, 0, err), new SetSASLResponse(null)));
                    ctx.outbox().close(conn);
                    conn.refused = true;
                    return;
                }
                LOG.warn("Maintaining client connection despite SASL authentication failure.");
            }
        }
        ctx.outbox().send(conn, Jute.replyFrame(new ReplyHeader(xid, 0, 0), new SetSASLResponse(response)));
    }

    /**
     * Whether the request may go on. With enforced authentication a connection holding no id of the enforced
     * schemes may only authenticate (auth, SASL); anything else is answered SESSIONCLOSEDREQUIRESASLAUTH and the
     * connection closes, its session left to expire.
     */
    boolean admits(ClientConnection conn, int xid, int type) {
        if (conn.refused) {
            return false;
        }
        if (!config.enforced() || type == OpCode.AUTH || type == OpCode.SASL) {
            return true;
        }
        for (Id id : conn.authIds) {
            if (config.enforceSchemes().contains(id.getScheme())) {
                return true;
            }
        }
        LOG.error("Client authentication scheme(s) {} does not match with any of the expected authentication scheme"
                + " {}, closing session.", conn.authIds.stream().map(Id::getScheme).toList(),
                config.enforceSchemes());
        ctx.outbox().send(conn, Replies.error(xid, 0, ErrorCode.SESSION_CLOSED_REQUIRE_SASL_AUTH));
        ctx.outbox().close(conn);
        conn.refused = true;
        return false;
    }

    /** The connection is gone: its SaslServer goes with it. */
    void disconnected(ClientConnection conn) {
        SaslServer server = conn.sasl;
        conn.sasl = null;
        if (server != null) {
            try {
                server.dispose();
            } catch (SaslException e) {
                LOG.debug("disposing a SaslServer failed", e);
            }
        }
    }
}
