package dev.corral.server.pipeline;

import dev.corral.server.watch.Watcher;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.Id;

/**
 * One client connection as the request pipeline sees it. The network layer implements the I/O; the fields are
 * owned by the request processor thread.
 */
public abstract class ClientConnection implements Watcher {
    long sessionId;
    boolean connected;
    final List<Id> authIds = new ArrayList<>();
    /** This connection's SASL exchange, made at its first SASL request; disposed when the connection goes. */
    javax.security.sasl.SaslServer sasl;
    /** Refused (enforced authentication): its close is queued, and nothing more it sends is served. */
    boolean refused;
    /** The session opted in to linearizable reads ({@code addAuthInfo("corral", "linearizable")}); not an ACL id. */
    boolean linearizableReads;
    /** Per-connection figures for the cons and stat words; written by the processor thread only. */
    final ConnectionStats stats = new ConnectionStats(System.currentTimeMillis());

    /** Queues a whole frame for sending; called from the processor thread, in order. */
    public abstract void write(byte[] frame);

    /** Sends whatever {@link #write} queued. */
    public abstract void flush();

    /** Closes the connection once everything written so far has gone out. */
    public abstract void closeAfterFlush();

    /** The client's IP address, as the ip ACL scheme sees it. */
    public abstract String remoteIp();

    /** The client's address and port, as ZooKeeper prints it in cons and stat ("/127.0.0.1:40000"). */
    public abstract String remoteAddress();

    /**
     * The ids the transport itself proved, such as the x509 subject of a TLS client certificate: they belong to the
     * connection, so every connect handshake on it starts from them (with the ip id). Empty by default.
     */
    public List<Id> transportAuthIds() {
        return List.of();
    }

    public long sessionId() {
        return sessionId;
    }

    /** Whether the session opted in to linearizable reads. */
    public boolean linearizableReads() {
        return linearizableReads;
    }

    /** The ids this connection has authenticated as (ip, digest, x509, super): what ACL checks see. */
    public List<Id> authIds() {
        return authIds;
    }

    /** Who is asking, as the tree's rules (ACLs, ephemeral owners) see it. */
    public dev.corral.server.tree.RequestContext requestContext() {
        return new dev.corral.server.tree.RequestContext(sessionId, authIds);
    }
}
