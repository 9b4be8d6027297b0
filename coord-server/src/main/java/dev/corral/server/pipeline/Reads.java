package dev.corral.server.pipeline;

import dev.corral.server.acl.AclRules;
import dev.corral.server.acl.Perms;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import dev.corral.server.watch.WatchKind;
import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.List;
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
        return ctx.view;
    }

    Record exists(ClientConnection conn, String path, boolean watch) throws KeeperError {
        if (path.indexOf('\0') >= 0) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeMeta meta = store().meta(path);
        if (meta != null) {
            AclRules.check(store().acl(meta.aclId()), Perms.READ, conn.authIds);
        }
        if (watch) {
            // ZooKeeper registers the watch whether or not the node exists: it then fires on creation.
            ctx.watches.add(path, conn, WatchKind.DATA);
        }
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        return new ExistsResponse(meta.toStat());
    }

    Record getData(ClientConnection conn, String path, boolean watch) throws KeeperError {
        NodeMeta meta = readable(conn, path);
        byte[] data = store().data(path);
        if (watch) {
            ctx.watches.add(path, conn, WatchKind.DATA);
        }
        return new GetDataResponse(data, meta.toStat());
    }

    Record getChildren(ClientConnection conn, String path, boolean watch, boolean withStat) throws KeeperError {
        NodeMeta meta = readable(conn, path);
        List<String> children = store().children(path);
        if (watch) {
            ctx.watches.add(path, conn, WatchKind.CHILD);
        }
        return withStat ? new GetChildren2Response(children, meta.toStat()) : new GetChildrenResponse(children);
    }

    Record getAllChildrenNumber(ClientConnection conn, String path) throws KeeperError {
        readable(conn, path);
        long count = store().descendantCount(path);
        return new GetAllChildrenNumberResponse((int) count);
    }

    Record getAcl(String path) throws KeeperError {
        NodeMeta meta = store().meta(path);
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        Stat stat = meta.toStat();
        return new GetACLResponse(store().acl(meta.aclId()), stat);
    }

    private NodeMeta readable(ClientConnection conn, String path) throws KeeperError {
        NodeMeta meta = store().meta(path);
        if (meta == null) {
            throw new KeeperError(ErrorCode.NO_NODE);
        }
        AclRules.check(store().acl(meta.aclId()), Perms.READ, conn.authIds);
        return meta;
    }
}
