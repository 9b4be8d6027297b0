package dev.corral.server.pipeline;

import dev.corral.server.acl.AuthIds;
import dev.corral.server.acl.AuthSchemes;
import dev.corral.server.pipeline.Operation.Kind;
import dev.corral.server.pipeline.Operation.Reader;
import dev.corral.server.pipeline.Operation.WriteRule;
import dev.corral.server.tree.CreateOpcode;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.KeeperError;
import dev.corral.server.wire.OpCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import dev.corral.client.proto.GetChildrenPageRequest;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.WhoAmIResponse;

/**
 * The opcode table: every operation the server knows, in one place. Adding an operation is one entry here plus its
 * logic; routing (read or write path), multi, the leader's prepare and the replies all look it up. An opcode that is
 * not here is answered UNIMPLEMENTED and the connection stays open, as ZooKeeper does.
 */
public final class Operations {
    private static final Map<Integer, Operation> TABLE = new HashMap<>();

    static {
        // ---- writes: prepared against the tree plus pending changes, then replicated
        // The opcode, not the flags, decides which txn a create becomes (CreateOpcode): ZooKeeper 3.9.5's rule.
        write(OpCode.CREATE, "CREA", CreateRequest::new, (p, r, rc) -> create(p, (CreateRequest) r, rc,
                CreateOpcode.CREATE), (t, m) -> new CreateResponse(((Txn.Create) t).path()), OpCode.CREATE, true, true);
        write(OpCode.CREATE2, "CREA", CreateRequest::new, (p, r, rc) -> create(p, (CreateRequest) r, rc,
                CreateOpcode.CREATE), Operations::create2Response, OpCode.CREATE2, true, true);
        write(OpCode.CREATE_CONTAINER, "CREA", CreateRequest::new, (p, r, rc) -> create(p, (CreateRequest) r, rc,
                CreateOpcode.CREATE_CONTAINER), Operations::create2Response, OpCode.CREATE2, true, true);
        write(OpCode.CREATE_TTL, "CREA", CreateTTLRequest::new, (p, r, rc) -> {
            CreateTTLRequest req = (CreateTTLRequest) r;
            return p.create(req.getPath(), req.getData(), req.getAcl(), req.getFlags(), req.getTtl(),
                    CreateOpcode.CREATE_TTL, rc);
        }, Operations::create2Response, OpCode.CREATE2, true, true);
        write(OpCode.DELETE, "DELE", DeleteRequest::new, (p, r, rc) -> {
            DeleteRequest req = (DeleteRequest) r;
            return p.delete(req.getPath(), req.getVersion(), rc);
        }, (t, m) -> null, OpCode.DELETE, true, true);
        write(OpCode.SET_DATA, "SETD", SetDataRequest::new, (p, r, rc) -> {
            SetDataRequest req = (SetDataRequest) r;
            return p.setData(req.getPath(), req.getData(), req.getVersion(), rc);
        }, (t, m) -> new SetDataResponse(m.toStat()), OpCode.SET_DATA, true, true);
        write(OpCode.SET_ACL, "SETA", SetACLRequest::new, (p, r, rc) -> {
            SetACLRequest req = (SetACLRequest) r;
            return p.setAcl(req.getPath(), req.getAcl(), req.getVersion(), rc);
        }, (t, m) -> new SetACLResponse(m.toStat()), OpCode.SET_ACL, true, false);
        // "NA" in cons, as before; a check sent outside a multi is answered UNIMPLEMENTED.
        write(OpCode.CHECK, "NA", CheckVersionRequest::new, (p, r, rc) -> {
            CheckVersionRequest req = (CheckVersionRequest) r;
            return p.check(req.getPath(), req.getVersion(), rc);
        }, (t, m) -> null, OpCode.CHECK, false, true);

        // ---- replicated, with rules of their own
        add(new Operation(OpCode.MULTI, "MULT", Kind.MULTI, () -> new MultiRequest(false), null, null));
        add(new Operation(OpCode.SYNC, "SYNC", Kind.SYNC, SyncRequest::new, null, null));
        add(new Operation(OpCode.CLOSE_SESSION, "CLOS", Kind.CLOSE_SESSION, null, null, null));

        // ---- reads: answered by the server the client is connected to
        read(OpCode.EXISTS, "EXIS", ExistsRequest::new, (l, c, r) -> {
            ExistsRequest req = (ExistsRequest) r;
            return l.reads().exists(c, req.getPath(), req.getWatch());
        });
        read(OpCode.GET_DATA, "GETD", GetDataRequest::new, (l, c, r) -> {
            GetDataRequest req = (GetDataRequest) r;
            return l.reads().getData(c, req.getPath(), req.getWatch());
        });
        read(OpCode.GET_CHILDREN, "GETC", GetChildrenRequest::new, (l, c, r) -> {
            GetChildrenRequest req = (GetChildrenRequest) r;
            return l.reads().getChildren(c, req.getPath(), req.getWatch(), false);
        });
        read(OpCode.GET_CHILDREN2, "GETC", GetChildren2Request::new, (l, c, r) -> {
            GetChildren2Request req = (GetChildren2Request) r;
            return l.reads().getChildren(c, req.getPath(), req.getWatch(), true);
        });
        // Corral's extension (corral-client): a parent too large for one getChildren, listed in pages.
        read(OpCode.GET_CHILDREN_PAGE, "GETP", GetChildrenPageRequest::new, (l, c, r) -> {
            GetChildrenPageRequest req = (GetChildrenPageRequest) r;
            return l.reads().getChildrenPage(c, req.getPath(), req.getAfter(), req.getMaxCount());
        });
        read(OpCode.GET_ALL_CHILDREN_NUMBER, "GETACN", GetAllChildrenNumberRequest::new,
                (l, c, r) -> l.reads().getAllChildrenNumber(c, ((GetAllChildrenNumberRequest) r).getPath()));
        read(OpCode.GET_ACL, "GETA", GetACLRequest::new,
                (l, c, r) -> l.reads().getAcl(c, ((GetACLRequest) r).getPath()));
        read(OpCode.GET_EPHEMERALS, "GETE", GetEphemeralsRequest::new,
                (l, c, r) -> l.reads().getEphemerals(c, ((GetEphemeralsRequest) r).getPrefixPath()));
        read(OpCode.WHO_AM_I, "HOMI", null, (l, c, r) -> whoAmI(l.authSchemes(), c));
        read(OpCode.ADD_WATCH, "ADDW", AddWatchRequest::new, (l, c, r) -> {
            AddWatchRequest req = (AddWatchRequest) r;
            l.watchOps().add(c, req.getPath(), req.getMode());
            return new ErrorResponse(0);
        });
        read(OpCode.CHECK_WATCHES, "CHKW", CheckWatchesRequest::new, (l, c, r) -> {
            CheckWatchesRequest req = (CheckWatchesRequest) r;
            l.watchOps().check(c, req.getPath(), req.getType());
            return null;
        });
        read(OpCode.REMOVE_WATCHES, "REMW", RemoveWatchesRequest::new, (l, c, r) -> {
            RemoveWatchesRequest req = (RemoveWatchesRequest) r;
            l.watchOps().remove(c, req.getPath(), req.getType());
            return null;
        });
        read(OpCode.MULTI_READ, "MLTR", () -> new MultiRequest(true),
                (l, c, r) -> l.multiRead(c, ((MultiRequest) r).ops()));

        // ---- session housekeeping, administration, internal (LocalRequests answers these)
        for (int code : new int[] {OpCode.PING, OpCode.AUTH, OpCode.SASL, OpCode.SET_WATCHES, OpCode.SET_WATCHES2}) {
            add(new Operation(code, sessionName(code), Kind.SESSION, null, null, null));
        }
        add(new Operation(OpCode.RECONFIG, "RECO", Kind.ADMIN, null, null, null));
        add(new Operation(OpCode.CREATE_SESSION, "NA", Kind.INTERNAL, null, null, null));
        add(new Operation(OpCode.DELETE_CONTAINER, "NA", Kind.INTERNAL, null, null, null));
    }

    private Operations() {
    }

    /** The entry for {@code code}, or null for an opcode the server does not know. */
    public static Operation get(int code) {
        return TABLE.get(code);
    }

    /** The four-character name {@code cons} shows for the last operation ("NA" for an unknown one). */
    public static String name(int code) {
        Operation op = TABLE.get(code);
        return op == null ? "NA" : op.name();
    }

    /** The write entry for an op inside a multi, or null if a multi may not hold it. */
    public static Operation inMulti(int code) {
        Operation op = TABLE.get(code);
        return op != null && op.kind() == Kind.WRITE && op.write().inMulti() ? op : null;
    }

    private static String sessionName(int code) {
        return switch (code) {
            case OpCode.PING -> "PING";
            case OpCode.AUTH -> "AUTH";
            case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> "SETW";
            default -> "NA";
        };
    }

    private static void write(int code, String name, Supplier<Record> request, Operation.Preparer prepare,
                              Operation.Body body, int multiResultType, boolean standalone, boolean inMulti) {
        add(new Operation(code, name, Kind.WRITE, request,
                new WriteRule(prepare, body, multiResultType, standalone, inMulti), null));
    }

    private static void read(int code, String name, Supplier<Record> request, Reader reader) {
        add(new Operation(code, name, Kind.READ, request, null, reader));
    }

    private static void add(Operation op) {
        if (TABLE.putIfAbsent(op.code(), op) != null) {
            throw new IllegalStateException("opcode " + op.code() + " listed twice");
        }
    }

    private static Txn create(dev.corral.server.tree.TxnPreparer p, CreateRequest req,
                              dev.corral.server.tree.RequestContext rc, CreateOpcode opcode) throws KeeperError {
        return p.create(req.getPath(), req.getData(), req.getAcl(), req.getFlags(), -1, opcode, rc);
    }

    private static Record create2Response(Txn txn, dev.corral.server.tree.NodeMeta meta) {
        return new Create2Response(((Txn.Create) txn).path(), meta.toStat());
    }

    private static Record whoAmI(AuthSchemes schemes, ClientConnection conn) {
        List<ClientInfo> infos = new ArrayList<>();
        for (Id id : AuthIds.inZooKeeperOrder(conn.authIds)) {
            // As ZooKeeper's digest provider does, name the user, not the hash; a scheme without a provider (super,
            // sasl without SASLAuthenticationProvider) has no one to name it.
            String user = !schemes.hasProvider(id.getScheme()) ? ""
                    : id.getScheme().equals("digest") ? id.getId().split(":", 2)[0] : id.getId();
            infos.add(new ClientInfo(id.getScheme(), user));
        }
        return new WhoAmIResponse(infos);
    }
}
