package dev.corral.server.pipeline;

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
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * ZooKeeper's multi rules, shared by both write paths: ops prepared in order against a view that holds the ones
 * before them, all or nothing, and ZooKeeper's per-op results when one fails. Also the multi response record.
 */
public final class Multis {
    private Multis() {
    }

    /** A result of one op: its type (or ERROR), its error code, and its body. */
    record OpResult(int type, int err, Record body) {
    }

    /** Applies one prepared op so that the ops after it see it. */
    public interface OpSink {
        void apply(Txn txn);
    }

    /**
     * Prepares the ops one by one, each against a view holding the ones before it ({@code sink} applies them
     * there). On the first failure the result is ZooKeeper's: the ops before it OK, the failing one its error,
     * the rest RUNTIMEINCONSISTENCY — as a multi of errors that changes nothing.
     */
    public static Txn.Multi prepare(List<MultiRequest.Op> ops, RequestContext rc, TxnPreparer preparer,
                                    OpSink sink) {
        List<Txn> txns = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            try {
                MultiRequest.Op op = ops.get(i);
                Txn txn = Operations.get(op.type()).write().prepare().prepare(preparer, op.request(), rc);
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

    public static boolean isFailure(Txn.Multi txn) {
        return !txn.ops().isEmpty() && txn.ops().stream().allMatch(t -> t instanceof Txn.Error);
    }

    /** The MultiResponse for {@code ops} given the multi txn they became and the metas its ops produced. */
    public static Record response(List<MultiRequest.Op> ops, Txn.Multi txn, List<NodeMeta> metas) {
        List<OpResult> results = new ArrayList<>(ops.size());
        boolean failed = isFailure(txn);
        for (int i = 0; i < ops.size(); i++) {
            if (failed) {
                int err = ((Txn.Error) txn.ops().get(i)).code();
                results.add(new OpResult(OpCode.ERROR, err, new ErrorResponse(err)));
            } else {
                Operation.WriteRule rule = Operations.get(ops.get(i).type()).write();
                results.add(new OpResult(rule.multiResultType(), 0, rule.body().of(txn.ops().get(i), metas.get(i))));
            }
        }
        return new Response(results);
    }

    /** The MultiResponse wire record: a header and a body per op, then a closing header. */
    record Response(List<OpResult> results) implements Record {
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
