package dev.corral.server.migrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * A ZooKeeper data tree as ZooKeeper 3.9's DataTree keeps it, in the heap of the offline tool: nodes by path ("" is
 * the root) with their persisted Stat (cversion counts child creations only: the cversion a client sees is
 * {@code 2 * cversion - numChildren}, DataNode.copyStat), the sessions and their timeouts, the last zxid. The change
 * rules are ZooKeeper's replay rules (createNode, deleteNode, setCversionPzxid), so a fuzzy snapshot plus the logs
 * after it come out as ZooKeeper would load them.
 */
final class ZkTree {
    /** ZooKeeper's ACL id -1 (ReferenceCountedACLCache.OPEN_UNSAFE_ACL_ID): world:anyone, all permissions. */
    static final long OPEN_UNSAFE_ACL_ID = -1L;
    static final List<ACL> OPEN_ACL_UNSAFE = List.of(new ACL(31, new Id("world", "anyone")));
    /** EphemeralType: a container's ephemeralOwner, and the high byte of a TTL node's. */
    static final long CONTAINER_OWNER = Long.MIN_VALUE;
    static final long EXTENDED_MASK = 0xff00000000000000L;
    static final long TTL_VALUE_MASK = 0x000000ffffffffffL;

    /** One znode: its data (null kept apart from empty), its ACL list and its persisted Stat. */
    static final class Node {
        byte[] data;
        List<ACL> acl;
        long czxid;
        long mzxid;
        long ctime;
        long mtime;
        int version;
        int cversion;
        int aversion;
        long ephemeralOwner;
        long pzxid;
        Set<String> children;

        int numChildren() {
            return children == null ? 0 : children.size();
        }

        void addChild(String name) {
            if (children == null) {
                children = new HashSet<>(4);
            }
            children.add(name);
        }

        void removeChild(String name) {
            if (children != null) {
                children.remove(name);
            }
        }
    }

    final Map<String, Node> nodes = new HashMap<>(1 << 16);
    final Map<Long, Integer> sessions = new LinkedHashMap<>();
    private final Map<List<ACL>, List<ACL>> interned = new HashMap<>();
    private final Map<Long, Set<String>> ephemerals = new HashMap<>();
    long lastZxid;

    /** One list object per distinct ACL list: nodes share it, as ZooKeeper's ACL cache makes them share an id. */
    List<ACL> intern(List<ACL> acl) {
        List<ACL> key = acl == null ? OPEN_ACL_UNSAFE : List.copyOf(acl);
        return interned.computeIfAbsent(key, k -> k);
    }

    /** Adds a node read from a snapshot (parents come before children in a snapshot). */
    void load(String path, Node node) throws IllegalStateException {
        nodes.put(path, node);
        int slash = path.lastIndexOf('/');
        if (slash >= 0) {
            Node parent = nodes.get(path.substring(0, slash));
            if (parent == null) {
                throw new IllegalStateException("node " + path + " comes before its parent");
            }
            parent.addChild(path.substring(slash + 1));
            index(path, node.ephemeralOwner);
        }
    }

    private void index(String path, long owner) {
        if (isSessionOwner(owner)) {
            ephemerals.computeIfAbsent(owner, k -> new HashSet<>()).add(path);
        }
    }

    static boolean isContainer(long owner) {
        return owner == CONTAINER_OWNER;
    }

    static boolean isTtl(long owner) {
        return (owner & EXTENDED_MASK) == EXTENDED_MASK;
    }

    static boolean isSessionOwner(long owner) {
        return owner != 0 && !isContainer(owner) && !isTtl(owner);
    }

    /** DataTree.createNode as replayed: an existing node keeps its Stat but takes the new ACL (ZooKeeper's fix). */
    boolean create(String path, byte[] data, List<ACL> acl, long owner, int parentCVersion, long zxid, long time) {
        int slash = path.lastIndexOf('/');
        Node parent = nodes.get(path.substring(0, slash));
        if (parent == null) {
            return false;
        }
        List<ACL> list = intern(acl);
        Node existing = nodes.get(path);
        if (existing != null) {
            existing.acl = list;
            return false;
        }
        if (parentCVersion == -1) {
            parentCVersion = parent.cversion + 1;
        }
        // A create replayed over a fuzzy snapshot must not move the parent's counters back.
        if (parentCVersion > parent.cversion) {
            parent.cversion = parentCVersion;
            parent.pzxid = zxid;
        }
        Node child = new Node();
        child.data = data;
        child.acl = list;
        child.czxid = zxid;
        child.mzxid = zxid;
        child.pzxid = zxid;
        child.ctime = time;
        child.mtime = time;
        child.ephemeralOwner = owner;
        parent.addChild(path.substring(slash + 1));
        nodes.put(path, child);
        index(path, owner);
        return true;
    }

    /** DataTree.setCversionPzxid: what ZooKeeper does with a create (opcode 1) that finds its node during replay. */
    void setCversionPzxid(String path, int cversion, long zxid) {
        Node node = nodes.get(path);
        if (node == null) {
            return;
        }
        if (cversion == -1) {
            cversion = node.cversion + 1;
        }
        if (cversion > node.cversion) {
            node.cversion = cversion;
            node.pzxid = zxid;
        }
    }

    /** DataTree.deleteNode: the parent's pzxid moves up (never back); its cversion does not change. */
    void delete(String path, long zxid) {
        int slash = path.lastIndexOf('/');
        Node parent = nodes.get(path.substring(0, slash));
        if (parent == null) {
            return;
        }
        parent.removeChild(path.substring(slash + 1));
        if (zxid > parent.pzxid) {
            parent.pzxid = zxid;
        }
        Node node = nodes.remove(path);
        if (node != null && isSessionOwner(node.ephemeralOwner)) {
            Set<String> set = ephemerals.get(node.ephemeralOwner);
            if (set != null) {
                set.remove(path);
            }
        }
    }

    void setData(String path, byte[] data, int version, long zxid, long time) {
        Node node = nodes.get(path);
        if (node != null) {
            node.data = data;
            node.version = version;
            node.mzxid = zxid;
            node.mtime = time;
        }
    }

    void setAcl(String path, List<ACL> acl, int version) {
        Node node = nodes.get(path);
        if (node != null) {
            node.acl = intern(acl);
            node.aversion = version;
        }
    }

    /** A closed session: its ephemerals go, in ZooKeeper's order (deepest paths first would not matter: no children). */
    void closeSession(long sessionId, long zxid) {
        sessions.remove(sessionId);
        Set<String> paths = ephemerals.remove(sessionId);
        if (paths != null) {
            for (String p : new ArrayList<>(paths)) {
                delete(p, zxid);
            }
        }
    }

    /** Paths depth first, parents before children, children in byte order: the order a store load wants. */
    List<String> pathsInOrder() {
        List<String> out = new ArrayList<>(nodes.size());
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
        todo.push("");
        while (!todo.isEmpty()) {
            String path = todo.pop();
            Node node = nodes.get(path);
            if (node == null) {
                continue;
            }
            out.add(path);
            if (node.children != null) {
                List<String> kids = new ArrayList<>(node.children);
                kids.sort(java.util.Comparator.reverseOrder());
                for (String k : kids) {
                    todo.push(path + "/" + k);
                }
            }
        }
        return out;
    }
}
