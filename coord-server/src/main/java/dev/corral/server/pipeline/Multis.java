package dev.corral.server.pipeline;

import dev.corral.server.tree.CreateMode;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnPreparer;
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
    private final Reads reads;

    Multis(ServerContext ctx, TxnCommitter committer, Reads reads) {
        this.ctx = ctx;
        this.committer = committer;
        this.reads = reads;
    }

    record Op(int type, Record request) {
    }

    /** A result of one op: its type (or ERROR), its error code, and its body. */
    private record OpResult(int type, int err, Record body) {
    }

    Writes.Result multi(ClientConnection conn, BinaryInputArchive in) throws IOException {
        List<Op> ops = decode(in, false);
        TxnCommitter.Group group = committer.begin();
        List<NodeMeta> metas = new ArrayList<>();
        Txn.Multi txn = prepare(ops, Writes.context(conn), ctx.preparer, t -> metas.add(group.apply(t)));
        if (isFailure(txn)) {
            group.abort();
            return new Writes.Result(ctx.lastZxid, response(ops, txn, metas));
        }
        long zxid = group.commit();
        return new Writes.Result(zxid, response(ops, txn, metas));
    }

    /** Applies one prepared op so that the ops after it see it. */
    interface OpSink {
        void apply(Txn txn);
    }

    /**
     * Prepares the ops one by one, each against a view holding the ones before it ({@code sink} applies them
     * there). On the first failure the result is ZooKeeper's: the ops before it OK, the failing one its error,
     * the rest RUNTIMEINCONSISTENCY — as a multi of errors that changes nothing.
     */
    static Txn.Multi prepare(List<Op> ops, RequestContext rc, TxnPreparer preparer, OpSink sink) {
        List<Txn> txns = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            try {
                Txn txn = Writes.prepare(preparer, ops.get(i).type(), ops.get(i).request(), rc);
                txns.add(txn);
                sink.apply(txn);
            } catch (KeeperError e) {
                List<Txn> errors = new ArrayList<>(ops.size());
                for (int j = 0; j < ops.size(); j++) {
                    errors.add(new Txn.Error(j < i ? ErrorCode.OK : j == i ? e.code() : ErrorCode.RUNTIME_INCONSISTENCY));
                }
                return new Txn.Multi(errors);
            }
        }
        return new Txn.Multi(txns);
    }

    static boolean isFailure(Txn.Multi txn) {
        return !txn.ops().isEmpty() && txn.ops().stream().allMatch(t -> t instanceof Txn.Error);
    }

    /** The MultiResponse for {@code ops} given the multi txn they became and the metas its ops produced. */
    static Record response(List<Op> ops, Txn.Multi txn, List<NodeMeta> metas) {
        List<OpResult> results = new ArrayList<>(ops.size());
        boolean failed = isFailure(txn);
        for (int i = 0; i < ops.size(); i++) {
            if (failed) {
                int err = ((Txn.Error) txn.ops().get(i)).code();
                results.add(new OpResult(OpCode.ERROR, err, new ErrorResponse(err)));
            } else {
                int type = ops.get(i).type();
                int resultType = type == OpCode.CREATE_CONTAINER || type == OpCode.CREATE_TTL ? OpCode.CREATE2 : type;
                results.add(new OpResult(resultType, 0, Writes.body(type, txn.ops().get(i), metas.get(i))));
            }
        }
        return new Response(results);
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

    static List<Op> decode(BinaryInputArchive in, boolean readOnly) throws IOException {
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
                type = createOpcodeInMulti(type, request);
            }
            ops.add(new Op(type, request));
            h.deserialize(in, "multiheader");
        }
        return ops;
    }

    /**
     * What ZooKeeper 3.9.5's MultiOperationRecord makes of a create op (1, 15 or 19) as it decodes it: unknown flags,
     * and TTL flags (a CreateRequest has no TTL), fail the whole request (an IOException: MARSHALLINGERROR); the
     * container flag makes the op a createContainer (19) whatever its header said; other flags keep the header's
     * opcode, so 19 with flags 0-3 still makes a container. Other ops are returned as they are.
     */
    private static int createOpcodeInMulti(int type, Record request) throws IOException {
        if (type != OpCode.CREATE && type != OpCode.CREATE2 && type != OpCode.CREATE_CONTAINER) {
            return type;
        }
        int flags = ((org.apache.zookeeper.proto.CreateRequest) request).getFlags();
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode == null || mode.kind() == NodeKind.TTL) {
            throw new IOException("invalid flag " + flags + " for a create in a multi");
        }
        return mode.kind() == NodeKind.CONTAINER ? OpCode.CREATE_CONTAINER : type;
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
