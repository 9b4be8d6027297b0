package dev.corral.server.pipeline;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * multi (atomic: all ops or none, ZooKeeper's per-op results on failure) and multiRead (each op on its own).
 */
final class Multis {
    private final ServerContext ctx;
    private final TxnCommitter committer;
    private final Writes writes;
    private final Reads reads;

    Multis(ServerContext ctx, TxnCommitter committer, Writes writes, Reads reads) {
        this.ctx = ctx;
        this.committer = committer;
        this.writes = writes;
        this.reads = reads;
    }

    private record Op(int type, Record request) {
    }

    /** A result of one op: its type (or ERROR), its error code, and its body. */
    private record OpResult(int type, int err, Record body) {
    }

    Writes.Result multi(ClientConnection conn, BinaryInputArchive in) throws IOException {
        List<Op> ops = decode(in, false);
        RequestContext rc = Writes.context(conn);
        TxnCommitter.Group group = committer.begin();
        List<Txn> txns = new ArrayList<>();
        List<NodeMeta> metas = new ArrayList<>();
        int failedAt = -1;
        int failure = 0;
        for (int i = 0; i < ops.size(); i++) {
            try {
                Txn txn = writes.prepare(ops.get(i).type(), ops.get(i).request(), rc);
                txns.add(txn);
                metas.add(group.apply(txn));
            } catch (KeeperError e) {
                failedAt = i;
                failure = e.code();
                break;
            }
        }
        List<OpResult> results = new ArrayList<>(ops.size());
        if (failedAt >= 0) {
            group.abort();
            // ZooKeeper: ops before the failing one report OK, the failing one its error, the rest
            // RUNTIMEINCONSISTENCY — all as error results; nothing applied, no watch fired.
            for (int i = 0; i < ops.size(); i++) {
                int err = i < failedAt ? ErrorCode.OK : i == failedAt ? failure : ErrorCode.RUNTIME_INCONSISTENCY;
                results.add(new OpResult(OpCode.ERROR, err, new ErrorResponse(err)));
            }
            return new Writes.Result(ctx.lastZxid, new Response(results));
        }
        long zxid = group.commit();
        for (int i = 0; i < ops.size(); i++) {
            int type = ops.get(i).type();
            int resultType = type == OpCode.CREATE_CONTAINER || type == OpCode.CREATE_TTL ? OpCode.CREATE2 : type;
            results.add(new OpResult(resultType, 0, Writes.body(type, txns.get(i), metas.get(i))));
        }
        return new Writes.Result(zxid, new Response(results));
    }

    Record multiRead(ClientConnection conn, BinaryInputArchive in) throws IOException {
        List<Op> ops = decode(in, true);
        List<OpResult> results = new ArrayList<>(ops.size());
        for (Op op : ops) {
            try {
                if (op.type() == OpCode.GET_DATA) {
                    GetDataRequest req = (GetDataRequest) op.request();
                    results.add(new OpResult(op.type(), 0, reads.getData(conn, req.getPath(), req.getWatch())));
                } else {
                    GetChildrenRequest req = (GetChildrenRequest) op.request();
                    results.add(new OpResult(op.type(), 0,
                            reads.getChildren(conn, req.getPath(), req.getWatch(), false)));
                }
            } catch (KeeperError e) {
                results.add(new OpResult(OpCode.ERROR, e.code(), new ErrorResponse(e.code())));
            }
        }
        return new Response(results);
    }

    private static List<Op> decode(BinaryInputArchive in, boolean readOnly) throws IOException {
        List<Op> ops = new ArrayList<>();
        MultiHeader h = new MultiHeader();
        h.deserialize(in, "multiheader");
        while (!h.getDone()) {
            int type = h.getType();
            Record request;
            if (readOnly) {
                request = switch (type) {
                    case OpCode.GET_CHILDREN -> new GetChildrenRequest();
                    case OpCode.GET_DATA -> new GetDataRequest();
                    default -> throw new IOException("invalid type of op in multiRead: " + type);
                };
                request.deserialize(in, "request");
            } else {
                if (!(Writes.isWrite(type) || type == OpCode.CHECK) || type == OpCode.SET_ACL) {
                    throw new IOException("invalid type of op in multi: " + type);
                }
                request = Writes.decode(type, in);
            }
            ops.add(new Op(type, request));
            h.deserialize(in, "multiheader");
        }
        return ops;
    }

    /** The MultiResponse wire record: a header and a body per op, then a closing header. */
    private record Response(List<OpResult> results) implements Record {
        @Override
        public void serialize(OutputArchive archive, String tag) throws IOException {
            archive.startRecord(this, tag);
            for (OpResult r : results) {
                new MultiHeader(r.type(), false, r.err()).serialize(archive, tag);
                if (r.body() != null) {
                    r.body().serialize(archive, tag);
                }
            }
            new MultiHeader(-1, true, -1).serialize(archive, tag);
            archive.endRecord(this, tag);
        }

        @Override
        public void deserialize(org.apache.jute.InputArchive archive, String tag) {
            throw new UnsupportedOperationException("the server only writes multi responses");
        }
    }
}
