package dev.corral.server.pipeline;

import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
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
        RequestContext rc = new RequestContext(conn.sessionId, conn.authIds);
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest req = new CreateRequest();
                req.deserialize(in, "request");
                return create(type, req.getPath(), req.getData(), req.getAcl(), req.getFlags(), -1, rc);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest req = new CreateTTLRequest();
                req.deserialize(in, "request");
                return create(type, req.getPath(), req.getData(), req.getAcl(), req.getFlags(), req.getTtl(), rc);
            }
            case OpCode.DELETE -> {
                DeleteRequest req = new DeleteRequest();
                req.deserialize(in, "request");
                Txn txn = ctx.preparer.delete(req.getPath(), req.getVersion(), rc);
                return new Result(committer.commit(txn).zxid(), null);
            }
            case OpCode.SET_DATA -> {
                SetDataRequest req = new SetDataRequest();
                req.deserialize(in, "request");
                Txn txn = ctx.preparer.setData(req.getPath(), req.getData(), req.getVersion(), rc);
                TxnCommitter.Applied applied = committer.commit(txn);
                return new Result(applied.zxid(), new SetDataResponse(applied.meta().toStat()));
            }
            case OpCode.SET_ACL -> {
                SetACLRequest req = new SetACLRequest();
                req.deserialize(in, "request");
                Txn txn = ctx.preparer.setAcl(req.getPath(), req.getAcl(), req.getVersion(), rc);
                TxnCommitter.Applied applied = committer.commit(txn);
                return new Result(applied.zxid(), new SetACLResponse(applied.meta().toStat()));
            }
            default -> throw new IllegalArgumentException("not a write: " + type);
        }
    }

    private Result create(int type, String path, byte[] data, java.util.List<org.apache.zookeeper.data.ACL> acl,
                          int flags, long ttl, RequestContext rc) throws KeeperError {
        if (type == OpCode.CREATE_CONTAINER && flags != 4) {
            throw new KeeperError(dev.corral.server.wire.ErrorCode.BAD_ARGUMENTS);
        }
        Txn.Create txn = ctx.preparer.create(path, data, acl, flags, ttl, rc);
        TxnCommitter.Applied applied = committer.commit(txn);
        Record body = type == OpCode.CREATE
                ? new CreateResponse(txn.path())
                : new Create2Response(txn.path(), applied.meta().toStat());
        return new Result(applied.zxid(), body);
    }

    static boolean isWrite(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL, OpCode.DELETE,
                 OpCode.SET_DATA, OpCode.SET_ACL -> true;
            default -> false;
        };
    }
}
