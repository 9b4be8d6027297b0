package dev.corral.server.pipeline;

import dev.corral.server.acl.AclRules;
import dev.corral.server.acl.AuthIds;
import dev.corral.server.acl.Perms;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SpecialPaths;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import dev.corral.server.wire.Xid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.SetWatches;
import org.apache.zookeeper.proto.SetWatches2;

/**
 * Requests answered where the client is connected, in either mode: reads (through the opcode table's readers),
 * session housekeeping (ping, auth, set-watches), administration and internal opcodes, and unknown ones.
 */
public final class LocalRequests {
    private final ServerContext ctx;
    private final Reads reads;
    private final WatchOps watchOps;
    private final WatchRestore watchRestore;

    private final Authentication authentication;

    LocalRequests(ServerContext ctx, Authentication authentication) {
        this.ctx = ctx;
        this.authentication = authentication;
        this.reads = new Reads(ctx);
        this.watchOps = new WatchOps(ctx);
        this.watchRestore = new WatchRestore(ctx);
    }

    dev.corral.server.acl.AuthSchemes authSchemes() {
        return ctx.authSchemes();
    }

    Reads reads() {
        return reads;
    }

    WatchOps watchOps() {
        return watchOps;
    }

    /** Answers {@code r}; {@code op} is its table entry, or null for an opcode the server does not know. */
    void handle(Work.Request r, Operation op) throws KeeperError, IOException {
        ClientConnection conn = r.conn();
        int xid = r.xid();
        long zxid = ctx.zxids().last();
        BinaryInputArchive in = Jute.input(r.frame(), r.bodyOffset(), r.frame().length - r.bodyOffset(),
                ctx.config().juteMaxBuffer());
        if (op == null || op.kind() == Operation.Kind.WRITE) {
            // Unknown, or a write valid only inside a multi (check): ZooKeeper answers UNIMPLEMENTED and keeps the
            // connection.
            throw new KeeperError(ErrorCode.UNIMPLEMENTED);
        }
        switch (op.kind()) {
            case READ -> ctx.outbox().send(conn, Replies.ok(xid, zxid, op.read().read(this, conn, op.decode(in))));
            case SESSION -> session(r, in);
            case ADMIN -> ctx.reconfig().reconfig(Jute.read(in, new ReconfigRequest()), () -> {
                NodeMeta meta = ctx.view().meta(SpecialPaths.CONFIG);
                AclRules.check(ctx.view().acl(meta.aclId()), Perms.WRITE, conn.authIds(), ctx.authSchemes());
            });
            case INTERNAL -> {
                // Server-internal ops: a malformed body is a marshalling error as in ZooKeeper; clients cannot
                // issue them.
                if (r.type() == OpCode.CREATE_SESSION) {
                    in.readInt("timeOut");
                } else {
                    in.readString("path");
                }
                ctx.outbox().send(conn, Replies.error(xid, zxid, ErrorCode.UNIMPLEMENTED));
            }
            default -> throw new IllegalStateException("the write path answers " + op);
        }
    }

    private void session(Work.Request r, BinaryInputArchive in) throws IOException {
        ClientConnection conn = r.conn();
        int xid = r.xid();
        long zxid = ctx.zxids().last();
        switch (r.type()) {
            case OpCode.PING -> ctx.outbox().send(conn, Replies.ok(Xid.PING, zxid, null));
            case OpCode.SASL -> authentication.sasl(conn, xid, in);
            case OpCode.AUTH -> {
                AuthPacket packet = new AuthPacket();
                if (decodes(in, packet)) {
                    auth(conn, xid, packet);
                } else {
                    // ZooKeeper drops a connection whose auth packet does not parse, without a reply.
                    ctx.outbox().close(conn);
                }
            }
            case OpCode.SET_WATCHES -> {
                SetWatches sw = Jute.read(in, new SetWatches());
                watchRestore.restore(conn, sw.getRelativeZxid(), sw.getDataWatches(), sw.getExistWatches(),
                        sw.getChildWatches(), List.of(), List.of());
                ctx.outbox().send(conn, Replies.ok(xid, zxid, null));
            }
            case OpCode.SET_WATCHES2 -> {
                SetWatches2 sw = Jute.read(in, new SetWatches2());
                watchRestore.restore(conn, sw.getRelativeZxid(), sw.getDataWatches(), sw.getExistWatches(),
                        sw.getChildWatches(), sw.getPersistentWatches(), sw.getPersistentRecursiveWatches());
                ctx.outbox().send(conn, Replies.ok(xid, zxid, null));
            }
            default -> throw new IllegalStateException("not a session op: " + r.type());
        }
    }

    /** multiRead: each op on its own (not atomic), errors per op. */
    Record multiRead(ClientConnection conn, List<MultiRequest.Op> ops) throws IOException {
        List<Multis.OpResult> results = new ArrayList<>(ops.size());
        for (MultiRequest.Op op : ops) {
            try {
                if (op.type() == OpCode.GET_DATA) {
                    GetDataRequest req = (GetDataRequest) op.request();
                    results.add(new Multis.OpResult(op.type(), 0, reads.getData(conn, req.getPath(), req.getWatch())));
                } else {
                    GetChildrenRequest req = (GetChildrenRequest) op.request();
                    results.add(new Multis.OpResult(op.type(), 0,
                            reads.getChildren(conn, req.getPath(), req.getWatch(), false)));
                }
            } catch (KeeperError e) {
                results.add(new Multis.OpResult(OpCode.ERROR, e.code(), new ErrorResponse(e.code())));
            }
        }
        return new Multis.Response(results);
    }

    private static boolean decodes(BinaryInputArchive in, Record record) {
        try {
            record.deserialize(in, "request");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The opt-in to linearizable reads that any client library can send: {@code addAuthInfo("corral", ...)}. */
    static final String LINEARIZABLE_SCHEME = "corral";
    static final String LINEARIZABLE = "linearizable";

    private void auth(ClientConnection conn, int xid, AuthPacket packet) {
        if ("digest".equals(packet.getScheme()) && packet.getAuth() != null) {
            String digest = AuthIds.digest(new String(packet.getAuth(), StandardCharsets.UTF_8));
            if (digest.equals(ctx.config().superDigest())) {
                conn.authIds.add(new Id("super", ""));
            }
            conn.authIds.add(new Id("digest", digest));
            ctx.outbox().send(conn, Replies.ok(xid, 0, null));
            return;
        }
        if (LINEARIZABLE_SCHEME.equals(packet.getScheme()) && packet.getAuth() != null
                && LINEARIZABLE.equals(new String(packet.getAuth(), StandardCharsets.UTF_8))) {
            // A switch, not an identity: it grants nothing an ACL could name (docs/operations.md).
            conn.linearizableReads = true;
            ctx.outbox().send(conn, Replies.ok(xid, 0, null));
            return;
        }
        // ZooKeeper answers AUTHFAILED and closes the connection.
        ctx.outbox().send(conn, Replies.error(xid, 0, ErrorCode.AUTH_FAILED));
        ctx.outbox().close(conn);
    }
}
