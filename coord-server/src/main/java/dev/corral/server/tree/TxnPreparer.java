package dev.corral.server.tree;

import dev.corral.server.acl.AclRules;
import dev.corral.server.acl.AuthSchemes;
import dev.corral.server.acl.Perms;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.List;
import org.apache.zookeeper.data.ACL;

/**
 * Turns write requests into txns, checking them the way ZooKeeper's PrepRequestProcessor does and in the same
 * order, so that when several errors apply the client gets the one ZooKeeper would give.
 */
public final class TxnPreparer {
    /** EphemeralType.TTL's bound: a TTL must fit in 40 bits. */
    private static final long MAX_TTL = 0xFFFFFFFFFFL;

    private final ZnodeStore view;
    private final boolean extendedTypesEnabled;
    private final AuthSchemes schemes;

    public TxnPreparer(ZnodeStore view, boolean extendedTypesEnabled, AuthSchemes schemes) {
        this.view = view;
        this.extendedTypesEnabled = extendedTypesEnabled;
        this.schemes = schemes;
    }

    /**
     * @param opcode the create opcode the request came with: with the flags it decides the node's kind
     *               ({@link CreateOpcode#kindFor}); the checks depend on the flags alone, as in ZooKeeper
     */
    public Txn.Create create(String path, byte[] data, List<ACL> acl, int flags, long ttl, CreateOpcode opcode,
                             RequestContext ctx) throws KeeperError {
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode == null) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        if (mode.kind() == NodeKind.TTL && !extendedTypesEnabled) {
            throw new KeeperError(ErrorCode.UNIMPLEMENTED);
        }
        if (mode.kind() == NodeKind.TTL ? (ttl <= 0 || ttl > MAX_TTL) : ttl >= 0) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        int lastSlash = path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        String parentPath = lastSlash == 0 ? "/" : path.substring(0, lastSlash);
        List<ACL> fixed = AclRules.fixup(acl, ctx.authIds(), schemes);
        NodeMeta parent = require(parentPath);
        AclRules.check(view.acl(parent.aclId()), Perms.CREATE, ctx.authIds(), schemes);
        String finalPath = mode.sequential() ? path + sequenceSuffix(parent.childSeq()) : path;
        if (!PathValidator.isValid(finalPath)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        if (view.meta(finalPath) != null) {
            throw new KeeperError(ErrorCode.NODE_EXISTS);
        }
        if (parent.kind() == NodeKind.EPHEMERAL) {
            throw new KeeperError(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
        }
        NodeKind kind = opcode.kindFor(mode);
        long owner = kind == NodeKind.EPHEMERAL ? ctx.sessionId() : 0L;
        return new Txn.Create(finalPath, data, fixed, kind, owner, kind == NodeKind.TTL ? ttl : 0L);
    }

    public Txn.Delete delete(String path, int version, RequestContext ctx) throws KeeperError {
        int lastSlash = path.lastIndexOf('/');
        if (lastSlash < 0 || path.indexOf('\0') >= 0 || SpecialPaths.isSpecial(path)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        String parentPath = lastSlash == 0 ? "/" : path.substring(0, lastSlash);
        NodeMeta parent = require(parentPath);
        AclRules.check(view.acl(parent.aclId()), Perms.DELETE, ctx.authIds(), schemes);
        NodeMeta node = require(path);
        checkVersion(node.version(), version);
        if (node.numChildren() > 0) {
            throw new KeeperError(ErrorCode.NOT_EMPTY);
        }
        return new Txn.Delete(path);
    }

    public Txn.SetData setData(String path, byte[] data, int version, RequestContext ctx) throws KeeperError {
        if (!PathValidator.isValid(path)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeMeta node = require(path);
        AclRules.check(view.acl(node.aclId()), Perms.WRITE, ctx.authIds(), schemes);
        checkVersion(node.version(), version);
        return new Txn.SetData(path, data);   // null stays null: ZooKeeper keeps it apart from empty data
    }

    public Txn.SetAcl setAcl(String path, List<ACL> acl, int aclVersion, RequestContext ctx) throws KeeperError {
        if (!PathValidator.isValid(path)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        List<ACL> fixed = AclRules.fixup(acl, ctx.authIds(), schemes);
        NodeMeta node = require(path);
        AclRules.check(view.acl(node.aclId()), Perms.ADMIN, ctx.authIds(), schemes);
        checkVersion(node.aversion(), aclVersion);
        return new Txn.SetAcl(path, fixed);
    }

    public Txn.Check check(String path, int version, RequestContext ctx) throws KeeperError {
        if (!PathValidator.isValid(path)) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeMeta node = require(path);
        AclRules.check(view.acl(node.aclId()), Perms.READ, ctx.authIds(), schemes);
        checkVersion(node.version(), version);
        return new Txn.Check(path);
    }

    private NodeMeta require(String path) throws KeeperError {
        NodeMeta meta = view.meta(path);
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        return meta;
    }

    private static void checkVersion(int current, int expected) throws KeeperError {
        if (expected != -1 && expected != current) {
            throw new KeeperError(ErrorCode.BAD_VERSION);
        }
    }

    /** ZooKeeper's {@code String.format("%010d", seq)}, without the formatter on the create path. */
    static String sequenceSuffix(int seq) {
        if (seq < 0) {
            return String.format("%010d", seq);  // after overflow; rare enough to take the slow path
        }
        String digits = Integer.toString(seq);
        return "0000000000".substring(digits.length()) + digits;
    }
}
