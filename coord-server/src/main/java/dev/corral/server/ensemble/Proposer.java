package dev.corral.server.ensemble;

import dev.corral.server.pipeline.MultiRequest;
import dev.corral.server.pipeline.Multis;
import dev.corral.server.pipeline.Operation;
import dev.corral.server.pipeline.Operations;
import dev.corral.server.pipeline.ServerContext;
import dev.corral.server.session.Session;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.PendingTree;
import dev.corral.server.tree.RequestContext;
import dev.corral.server.tree.TreeApplier;
import dev.corral.server.tree.TreeEvents;
import dev.corral.server.tree.Txn;
import dev.corral.server.tree.TxnPreparer;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import dev.corral.server.acl.AclRules;
import dev.corral.server.acl.Perms;
import dev.corral.server.reconfig.ClusterConfig;
import dev.corral.server.tree.SpecialPaths;
import dev.corral.zab.ReconfigRefusedException;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.apache.zookeeper.proto.SyncRequest;

/**
 * The leader's half of the write path: prepares each forwarded write against a speculative view (the store plus every
 * txn proposed and not yet applied here), stamps it with the time and proposes it. The view must never lose an
 * in-flight txn (a conditional write pipelined behind it would fail) and must not keep what the store already has, or
 * it would grow without bound under a load that never drains: each record in it carries the zxid of the txn that last
 * wrote it, and once the store has applied a prefix of the txns, the records last written by that prefix are dropped
 * ({@link PendingTree#trimTo}). Processor thread only.
 */
final class Proposer {
    /** A proposal not yet committed: its envelope, and the payload it went out as (to recognise it at commit). */
    private record InFlight(long zxid, Envelope envelope, byte[] payload) {
    }

    private final ServerContext ctx;
    private final Replication replication;
    private final PendingTree spec;
    private final TxnPreparer preparer;
    private final TreeApplier applier;
    private final ArrayDeque<InFlight> inflight = new ArrayDeque<>();
    private ZnodeStore.Batch batch;
    /** A prepare left half a multi (or a failed request) in the view: rebuild it before the next prepare. */
    private boolean tainted;
    private long specZxid;
    /** The epoch this leader proposes in: a config's version is its zxid as ZooKeeper writes it. */
    private long epoch;

    Proposer(ServerContext ctx, Replication replication) {
        this.ctx = ctx;
        this.replication = replication;
        this.spec = PendingTree.speculative(ctx.store());
        this.preparer = new TxnPreparer(spec, ctx.config().extendedTypesEnabled(),
                ctx.authSchemes());
        this.applier = new TreeApplier(spec);
        this.batch = spec.batch();
    }

    /** A new term: nothing of the last one is in flight any more. */
    void reset(long lastZxid, long epoch) {
        this.epoch = epoch;
        inflight.clear();
        ctx.reconfig().dropProposed();
        spec.discard();
        batch = spec.batch();
        specZxid = lastZxid;
    }

    /** A follower follows the commits: the next proposal, if it comes to lead, comes after them. */
    void followed(long zxid) {
        specZxid = zxid;
    }

    /** A frame for the leader: a new session or a forwarded write becomes a proposal. */
    void onFrame(PeerFrame frame) {
        long time = System.currentTimeMillis();
        if (frame instanceof PeerFrame.Connect c) {
            long id = ctx.sessions().newSessionId();
            propose(new Envelope(c.origin(), id, c.token(), OpCode.CREATE_SESSION, time,
                    new Txn.CreateSession(id, ctx.sessions().newPassword(), c.timeoutMs())));
        } else if (frame instanceof PeerFrame.Forward f) {
            propose(new Envelope(f.origin(), f.sessionId(), f.xid(), f.type(), time, prepare(f, time)));
        }
    }

    /** The session expired on the leader: its close is ordered like any other txn. */
    void expire(Session s) {
        s.markClosing();
        long time = System.currentTimeMillis();
        Txn close = new Txn.CloseSession(s.id());
        spec.stampWith(specZxid + 1);
        applier.applyPart(specZxid + 1, time, close, batch, TreeEvents.NONE);
        propose(new Envelope(replication.myId(), s.id(), 0, OpCode.CLOSE_SESSION, time, close));
    }

    /**
     * The container and TTL sweep found {@code path} empty: delete it through the log, unless a txn in flight
     * already deleted it or gave it a child.
     */
    void sweep(String path) {
        NodeMeta meta = spec.meta(path);
        if (meta == null || meta.numChildren() > 0) {
            return;
        }
        long time = System.currentTimeMillis();
        Txn delete = new Txn.Delete(path);
        spec.stampWith(specZxid + 1);
        applier.applyPart(specZxid + 1, time, delete, batch, TreeEvents.NONE);
        propose(new Envelope(replication.myId(), 0, 0, OpCode.DELETE, time, delete));
    }

    private Txn prepare(PeerFrame.Forward f, long time) {
        RequestContext rc = new RequestContext(f.sessionId(), f.authIds());
        BinaryInputArchive in = Jute.input(f.body(), 0, f.body().length, ctx.config().juteMaxBuffer());
        long zxid = specZxid + 1;
        Operation op = Operations.get(f.type());
        spec.stampWith(zxid);
        try {
            switch (op.kind()) {
                case CLOSE_SESSION -> {
                    Session s = ctx.sessions().get(f.sessionId());
                    if (s != null) {
                        s.markClosing();
                    }
                    Txn close = new Txn.CloseSession(f.sessionId());
                    applier.applyPart(zxid, time, close, batch, TreeEvents.NONE);
                    return close;
                }
                case SYNC -> {
                    Jute.read(in, new SyncRequest());
                    return new Txn.Multi(List.of());
                }
                case MULTI -> {
                    MultiRequest request = (MultiRequest) op.decode(in);
                    Txn.Multi multi = Multis.prepare(request.ops(), rc, preparer,
                            t -> applier.applyPart(zxid, time, t, batch, TreeEvents.NONE));
                    tainted |= Multis.isFailure(multi);
                    return multi;
                }
                case ADMIN -> {
                    return reconfig(Jute.read(in, new ReconfigRequest()), rc, epoch << 32 | zxid & 0xffffffffL);
                }
                case WRITE -> {
                    Txn txn = op.write().prepare().prepare(preparer, op.decode(in), rc);
                    applier.applyPart(zxid, time, txn, batch, TreeEvents.NONE);
                    return txn;
                }
                default -> throw new IOException("not a replicated op: " + f.type());
            }
        } catch (KeeperError e) {
            return new Txn.Error(e.code());
        } catch (IOException | RuntimeException e) {
            tainted = true;
            return new Txn.Error(ErrorCode.MARSHALLING_ERROR);
        }
    }

    /**
     * A reconfig, checked here on the leader as ZooKeeper's PrepRequestProcessor does, against the configuration as
     * of the proposals so far and the permission on {@code /zookeeper/config} in the speculative view.
     */
    private Txn reconfig(ReconfigRequest request, RequestContext rc, long version) throws KeeperError {
        ClusterConfig next = ctx.reconfig().prepare(request, () -> {
            NodeMeta meta = spec.meta(SpecialPaths.CONFIG);
            AclRules.check(spec.acl(meta.aclId()), Perms.WRITE, rc.authIds(), ctx.authSchemes());
        }, version);
        ctx.reconfig().proposed(next);
        return new Txn.Reconfig(version, next.serverLines());
    }

    private void propose(Envelope envelope) {
        specZxid++;
        byte[] payload = envelope.encode();
        inflight.add(new InFlight(specZxid, envelope, payload));
        if (envelope.txn() instanceof Txn.Reconfig) {
            // zab-core may still refuse it (another change pending, no synced quorum of the new voters): the
            // driver then proposes this error in its place, so the zxids the view counts on stay in order.
            replication.proposeReconfig(payload, reason -> new Envelope(envelope.origin(), envelope.sessionId(),
                    envelope.xid(), envelope.type(), envelope.time(), new Txn.Error(errorFor(reason))).encode());
        } else {
            replication.propose(payload);
        }
    }

    /**
     * ZooKeeper's error for a refused config change (a lost leadership fails the proposal like any write); null:
     * zab-core cannot change configurations.
     */
    static int errorFor(ReconfigRefusedException.Reason reason) {
        if (reason == null) {
            return ErrorCode.UNIMPLEMENTED;
        }
        return reason == ReconfigRefusedException.Reason.IN_PROGRESS ? ErrorCode.RECONFIG_IN_PROGRESS
                : ErrorCode.NEW_CONFIG_NO_QUORUM;
    }

    /**
     * A txn committed (leader only). Returns its envelope if it is the proposal at the head of the flight, handed
     * back as the very array that was proposed (so it need not be decoded again), else null.
     */
    Envelope committed(byte[] payload) {
        InFlight head = inflight.poll();
        if (head == null) {
            return null;
        }
        // Its effects stay in the speculative view until the applier has put them in the store (see trim).
        return head.payload() == payload ? head.envelope() : null;
    }

    /** The applier has put every txn up to {@code storedZxid} into the store: drop what the store now holds. */
    void trim(long storedZxid) {
        spec.trimTo(storedZxid);
        if (inflight.isEmpty()) {
            specZxid = Math.max(specZxid, storedZxid);
        }
    }

    /**
     * True if the last prepare left changes of a request that was not proposed in the view: the caller puts what
     * it applied into the store and then calls {@link #replay}.
     */
    boolean tainted() {
        return tainted;
    }

    /** Rebuilds the view from the store and the txns in flight. */
    void replay() {
        tainted = false;
        spec.discard();
        batch = spec.batch();
        for (InFlight f : inflight) {
            Txn txn = f.envelope().txn();
            List<Txn> parts = txn instanceof Txn.Multi m ? m.ops() : List.of(txn);
            spec.stampWith(f.zxid());
            for (Txn part : parts) {
                applier.applyPart(f.zxid(), f.envelope().time(), part, batch, TreeEvents.NONE);
            }
        }
    }

    int inFlight() {
        return inflight.size();
    }

    /** Records the speculative view holds (for tests: it must shrink back as txns commit). */
    int heldRecords() {
        return spec.heldRecords();
    }
}
