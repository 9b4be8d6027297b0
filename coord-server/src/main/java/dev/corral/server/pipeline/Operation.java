package dev.corral.server.pipeline;

import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnPreparer;
import dev.corral.server.wire.KeeperError;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.jute.Record;

/**
 * One opcode as the pipeline knows it: its name in {@code cons}, its kind, its request record, and the rules that
 * prepare and answer it. {@link Operations} holds one per opcode; dispatch, multi and the ensemble all look here.
 *
 * @param code    the opcode ({@link dev.corral.server.wire.OpCode})
 * @param name    the four-character name ZooKeeper's {@code cons} shows as the last operation
 * @param kind    how it travels (see {@link Kind})
 * @param request a fresh request record to decode the body into; null where the handler reads the body itself
 * @param write   for {@link Kind#WRITE}: how it becomes a txn and what its reply holds; else null
 * @param read    for {@link Kind#READ}: how it is answered; else null
 */
public record Operation(int code, String name, Kind kind, Supplier<Record> request, WriteRule write, Reader read) {

    /** How an operation travels through the server. */
    public enum Kind {
        /** Answered from this server's tree (and watch table); never replicated. */
        READ,
        /** Changes the tree: prepared against the tree plus pending changes, then replicated. */
        WRITE,
        /** Atomic group of writes: one txn, one zxid. */
        MULTI,
        /** Replicated so that its reply follows every write before it (a no-op txn in an ensemble). */
        SYNC,
        /** Ends the session: replicated (it deletes the session's ephemerals). */
        CLOSE_SESSION,
        /** Connection and session housekeeping answered where the client is connected (ping, auth, set-watches). */
        SESSION,
        /** Ensemble administration (reconfig). */
        ADMIN,
        /** Server-internal opcodes a client may not send (answered UNIMPLEMENTED after its body decodes). */
        INTERNAL
    }

    /** True for what must go through the write path: replicated in an ensemble, committed at once standalone. */
    public boolean replicated() {
        return kind == Kind.WRITE ? write.standalone()
                : kind == Kind.MULTI || kind == Kind.SYNC || kind == Kind.CLOSE_SESSION;
    }

    /** A new request record with the body decoded from {@code in}; null for an operation without a body. */
    public Record decode(org.apache.jute.InputArchive in) throws IOException {
        if (request == null) {
            return null;
        }
        Record r = request.get();
        r.deserialize(in, "request");
        return r;
    }

    /**
     * The write rules of one opcode.
     *
     * @param prepare         checks a decoded request against the tree view and turns it into a txn
     * @param body            the reply body once applied
     * @param multiResultType the type its result carries inside a multi response
     * @param standalone      false for an op valid only inside a multi (check)
     * @param inMulti         false for an op a multi may not hold (setACL)
     */
    public record WriteRule(Preparer prepare, Body body, int multiResultType, boolean standalone, boolean inMulti) {
    }

    /** Checks a decoded write against the view (ZooKeeper's error precedence) and turns it into a txn. */
    public interface Preparer {
        Txn prepare(TxnPreparer preparer, Record request, RequestContext rc) throws KeeperError;
    }

    /** The reply body of an applied write ({@code meta} is the node it created or changed), or null for none. */
    public interface Body {
        Record of(Txn txn, NodeMeta meta);
    }

    /** How a read is answered on the processor thread. */
    public interface Reader {
        Record read(LocalRequests local, ClientConnection conn, Record request) throws KeeperError, IOException;
    }
}
