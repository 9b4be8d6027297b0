package dev.corral.server.pipeline;

import dev.corral.client.proto.GetChildrenPageResponse;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Reads.class);
    /** Names fetched per store read when a parent is too big for one: bounds what a listing holds at once. */
    private static final int SCAN_PAGE = 10_000;
    /** The smallest bound on a getChildren reply (see {@link #listChildren}). */
    private static final long MIN_REPLY_BOUND = 8L << 20;

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
        List<String> children = listChildren(storePath(path), meta);
        if (watch) {
            ctx.watches().add(path, conn, WatchKind.CHILD);
        }
        return withStat ? new GetChildren2Response(children, meta.toStat()) : new GetChildrenResponse(children);
    }

    /**
     * Every child of a parent for getChildren, within a bound: the larger of jute.maxbuffer and 8 MiB of names.
     * ZooKeeper builds any reply, and a stock client (1 MiB by default) drops the connection on one too large for
     * it; Corral does the same up to the bound, so clients that raised their jute.maxbuffer still get big lists.
     * Past it the reply is refused with MARSHALLINGERROR (ZooKeeper's answer to a request it cannot process) rather
     * than built: a parent with millions of children would otherwise take the heap with it (5,000,000 names ran a
     * 256 MiB server out of memory). Paged getChildren lists such a parent.
     */
    private List<String> listChildren(String path, NodeMeta meta) throws KeeperError {
        long bound = Math.max(ctx.config().juteMaxBuffer(), MIN_REPLY_BOUND);
        if (meta.numChildren() <= SCAN_PAGE) {
            List<String> names = store().children(path);          // the common case, served from the cache
            if (replyBytes(names) <= bound) {
                return names;
            }
            throw tooLarge(path, names.size(), bound);
        }
        List<String> names = new ArrayList<>();
        long bytes = 0;
        String after = "";
        while (true) {
            List<String> page = store().childrenAfter(path, after, SCAN_PAGE);
            bytes += replyBytes(page);
            if (bytes > bound) {
                throw tooLarge(path, meta.numChildren(), bound);
            }
            names.addAll(page);
            if (page.size() < SCAN_PAGE) {
                return names;
            }
            after = page.get(page.size() - 1);
        }
    }

    /** The names' share of a reply (a length and the UTF-8 bytes each), counted without encoding them. */
    private static long replyBytes(List<String> names) {
        long bytes = 0;
        for (String n : names) {
            bytes += 4 + utf8Length(n);
        }
        return bytes;
    }

    /** {@code s.getBytes(UTF_8).length} without the array: every getChildren measures its names. */
    static int utf8Length(String s) {
        int len = s.length();
        int bytes = len;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2;                                 // a pair: 4 bytes for its 2 chars
                i++;
            }                                               // a lone surrogate encodes as '?': 1 byte
        }
        return bytes;
    }

    private static KeeperError tooLarge(String path, long children, long bound) {
        LOG.warn("getChildren of {} refused: {} children do not fit a reply of {} bytes (the larger of jute.maxbuffer"
                + " and 8 MiB); list them with paged getChildren (corral-client)", path, children, bound);
        return new KeeperError(ErrorCode.MARSHALLING_ERROR);
    }

    /**
     * One page of a listing (Corral's extension): up to {@code maxCount} children after {@code after}, fewer when
     * the page would pass half of jute.maxbuffer (so it always fits a client's default limit), and whether more
     * follow. Errors as getChildren's; BADARGUMENTS for a count below 1. A null {@code after} is "".
     */
    Record getChildrenPage(ClientConnection conn, String path, String after, int maxCount) throws KeeperError {
        if (maxCount < 1) {
            throw new KeeperError(ErrorCode.BAD_ARGUMENTS);
        }
        NodeMeta meta = readable(conn, path);
        // kazoo writes an empty string as a null one (length -1): both mean "from the first child".
        List<String> names = store().childrenAfter(storePath(path), after == null ? "" : after, maxCount + 1);
        long budget = ctx.config().juteMaxBuffer() / 2;
        int take = 0;
        long bytes = 0;
        while (take < Math.min(maxCount, names.size())) {
            bytes += 4 + names.get(take).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > budget && take > 0) {
                break;
            }
            take++;
        }
        return new GetChildrenPageResponse(new ArrayList<>(names.subList(0, take)), names.size() > take,
                meta.toStat());
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
