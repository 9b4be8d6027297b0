package dev.corral.server.pipeline;

import dev.corral.server.tree.CreateOpcode;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;

/** Write requests: decode, prepare against the tree, commit, and build the reply body. */
final class Writes {
    private final ServerContext ctx;
    private final TxnCommitter committer;

    Writes(ServerContext ctx, TxnCommitter committer) {
        this.ctx = ctx;
        this.committer = committer;
    }

    /** The result of a write: the zxid it got and the reply body (null for none). */
    record Result(long zxid, Record body) {
    }

    Result handle(ClientConnection conn, int type, BinaryInputArchive in) throws IOException, KeeperError {
        Record request = decode(type, in);
        Txn txn = prepare(ctx.preparer, type, request, context(conn));
        TxnCommitter.Applied applied = committer.commit(txn);
        return new Result(applied.zxid(), body(type, txn, applied.meta()));
    }

    static RequestContext context(ClientConnection conn) {
        return new RequestContext(conn.sessionId, conn.authIds);
    }

    /** Reads the request record of a write op. */
    static Record decode(int type, BinaryInputArchive in) throws IOException {
        Record record = switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> new CreateRequest();
            case OpCode.CREATE_TTL -> new CreateTTLRequest();
            case OpCode.DELETE -> new DeleteRequest();
            case OpCode.SET_DATA -> new SetDataRequest();
            case OpCode.SET_ACL -> new SetACLRequest();
            case OpCode.CHECK -> new CheckVersionRequest();
            default -> throw new IOException("not a write op: " + type);
        };
        record.deserialize(in, "request");
        return record;
    }

    /** Checks a decoded write against the current view and turns it into a txn. */
    static Txn prepare(dev.corral.server.tree.TxnPreparer preparer, int type, Record request, RequestContext rc)
            throws KeeperError {
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest req = (CreateRequest) request;
                return preparer.create(req.getPath(), req.getData(), req.getAcl(), req.getFlags(), -1,
                        type == OpCode.CREATE_CONTAINER ? CreateOpcode.CREATE_CONTAINER : CreateOpcode.CREATE, rc);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest req = (CreateTTLRequest) request;
                return preparer.create(req.getPath(), req.getData(), req.getAcl(), req.getFlags(), req.getTtl(),
                        CreateOpcode.CREATE_TTL, rc);
            }
            case OpCode.DELETE -> {
                DeleteRequest req = (DeleteRequest) request;
                return preparer.delete(req.getPath(), req.getVersion(), rc);
            }
            case OpCode.SET_DATA -> {
                SetDataRequest req = (SetDataRequest) request;
                return preparer.setData(req.getPath(), req.getData(), req.getVersion(), rc);
            }
            case OpCode.SET_ACL -> {
                SetACLRequest req = (SetACLRequest) request;
                return preparer.setAcl(req.getPath(), req.getAcl(), req.getVersion(), rc);
            }
            case OpCode.CHECK -> {
                CheckVersionRequest req = (CheckVersionRequest) request;
                return preparer.check(req.getPath(), req.getVersion(), rc);
            }
            default -> throw new IllegalArgumentException("not a write: " + type);
        }
    }

    /** The reply body of an applied write. */
    static Record body(int type, Txn txn, NodeMeta meta) {
        return switch (type) {
            case OpCode.CREATE -> new CreateResponse(((Txn.Create) txn).path());
            case OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL ->
                    new Create2Response(((Txn.Create) txn).path(), meta.toStat());
            case OpCode.SET_DATA -> new SetDataResponse(meta.toStat());
            case OpCode.SET_ACL -> new SetACLResponse(meta.toStat());
            default -> null;
        };
    }

    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                 OpCode.SET_DATA, OpCode.SET_ACL -> true;
            default -> false;
        };
    }
}
