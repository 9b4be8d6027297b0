package dev.corral.client;

import dev.corral.client.proto.GetChildrenPageRequest;
import dev.corral.client.proto.GetChildrenPageResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.common.PathUtils;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;

/**
 * The stock ZooKeeper client with Corral's extension calls, sent over the same connection as every other request:
 * everything else behaves exactly as {@link ZooKeeper} does. Against Apache ZooKeeper the extension calls fail with
 * UNIMPLEMENTED.
 */
public class CorralZooKeeper extends ZooKeeper {
    private final String chroot;

    public CorralZooKeeper(String connectString, int sessionTimeout, Watcher watcher) throws IOException {
        super(connectString, sessionTimeout, watcher);
        this.chroot = new ConnectStringParser(connectString).getChrootPath();
    }

    /**
     * Up to {@code maxCount} children of {@code path} whose names sort after {@code after} (byte order of the UTF-8
     * names; null or "" for the first page). Errors as getChildren's (NONODE, NOAUTH without READ); BADARGUMENTS for
     * a {@code maxCount} below 1. A page reflects the tree when it was read: children created or deleted between
     * pages appear or not, but a child present during the whole listing is returned exactly once.
     */
    public ChildrenPage getChildrenPage(String path, String after, int maxCount)
            throws KeeperException, InterruptedException {
        PathUtils.validatePath(path);
        String serverPath = chroot == null ? path : "/".equals(path) ? chroot : chroot + path;
        RequestHeader header = new RequestHeader();
        header.setType(GetChildrenPageRequest.OPCODE);
        GetChildrenPageResponse response = new GetChildrenPageResponse();
        ReplyHeader reply = cnxn.submitRequest(header,
                new GetChildrenPageRequest(serverPath, after == null ? "" : after, maxCount), response, null);
        if (reply.getErr() != 0) {
            throw KeeperException.create(KeeperException.Code.get(reply.getErr()), path);
        }
        return new ChildrenPage(response.getChildren(), response.getMore(), response.getStat());
    }

    /** Every child of {@code path}, fetched {@code pageSize} at a time (a parent too large for one getChildren). */
    public List<String> getAllChildren(String path, int pageSize) throws KeeperException, InterruptedException {
        List<String> all = new ArrayList<>();
        String after = "";
        while (true) {
            ChildrenPage page = getChildrenPage(path, after, pageSize);
            all.addAll(page.children());
            if (!page.more() || page.last() == null) {
                return all;
            }
            after = page.last();
        }
    }
}
