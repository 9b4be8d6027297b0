package dev.corral.server.pipeline;

import dev.corral.server.acl.AclRules;
import dev.corral.server.acl.Perms;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.watch.WatchKind;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataResponse;

/** Read requests, answered from the store as ZooKeeper's FinalRequestProcessor answers them. */
final class Reads {
    private final ServerContext ctx;

    Reads(ServerContext ctx) {
        this.ctx = ctx;
    }

    private ZnodeStore store() {
        return ctx.view();
    }

    Record exists(ClientConnection conn, String path, boolean watch) throws KeeperError {
        if (path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeMeta meta = lookup(path);
        if (meta != null) {
            AclRules.check(store().acl(meta.aclId()), Perms.READ, conn.authIds, ctx.authSchemes());
        }
        if (watch) {
            // ZooKeeper registers the watch whether or not the node exists: it then fires on creation.
            ctx.watches().add(path, conn, WatchKind.DATA);
        }
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        return new ExistsResponse(meta.toStat());
    }

    Record getData(ClientConnection conn, String path, boolean watch) throws KeeperError {
        NodeMeta meta = readable(conn, path);
        byte[] data = store().data(storePath(path));
        if (watch) {
            ctx.watches().add(path, conn, WatchKind.DATA);
        }
        return new GetDataResponse(data, meta.toStat());
    }

    Record getChildren(ClientConnection conn, String path, boolean watch, boolean withStat) throws KeeperError {
        NodeMeta meta = readable(conn, path);
        List<String> children = store().children(storePath(path));
        if (watch) {
            ctx.watches().add(path, conn, WatchKind.CHILD);
        }
        return withStat ? new GetChildren2Response(children, meta.toStat()) : new GetChildrenResponse(children);
    }

    Record getAllChildrenNumber(ClientConnection conn, String path) throws KeeperError {
        readable(conn, path);
        long count = store().descendantCount(storePath(path));
        return new GetAllChildrenNumberResponse((int) count);
    }

    Record getAcl(ClientConnection conn, String path) throws KeeperError {
        NodeMeta meta = lookup(path);
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        List<ACL> acl = store().acl(meta.aclId());
        AclRules.check(acl, Perms.READ | Perms.ADMIN, conn.authIds, ctx.authSchemes());
        Stat stat = meta.toStat();
        try {
            AclRules.check(acl, Perms.ADMIN, conn.authIds, ctx.authSchemes());
            return new GetACLResponse(acl, stat);
        } catch (KeeperError noAdmin) {
            // Without ADMIN, ZooKeeper hides the password hashes of digest ids.
            List<ACL> redacted = new ArrayList<>(acl.size());
            for (ACL a : acl) {
                Id id = a.getId();
                redacted.add("digest".equals(id.getScheme())
                        ? new ACL(a.getPerms(), new Id("digest", id.getId().replaceAll(":.*", ":x"))) : a);
            }
            return new GetACLResponse(redacted, stat);
        }
    }

    Record getEphemerals(ClientConnection conn, String prefix) {
        List<String> out = new ArrayList<>();
        boolean all = prefix == null || prefix.trim().isEmpty() || "/".equals(prefix.trim());
        for (String path : new java.util.HashSet<>(store().ephemerals(conn.sessionId))) {
            if (all || path.startsWith(prefix)) {
                out.add(path);
            }
        }
        return new GetEphemeralsResponse(out);
    }

    /**
     * Reads do not validate paths in ZooKeeper: "" names the root (its tree keeps the root under ""), and any
     * other path without a leading slash simply names no node.
     */
    private NodeMeta lookup(String path) {
        if (path.isEmpty()) {
            return store().meta("/");
        }
        return path.charAt(0) == '/' ? store().meta(path) : null;
    }

    private static String storePath(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private NodeMeta readable(ClientConnection conn, String path) throws KeeperError {
        NodeMeta meta = lookup(path);
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        AclRules.check(store().acl(meta.aclId()), Perms.READ, conn.authIds, ctx.authSchemes());
        return meta;
    }
}
