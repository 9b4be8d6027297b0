package dev.corral.server.migrate;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * A stock-client walk of a whole tree: for every node its data (null apart from empty), every Stat field, its ACL
 * (and the Stat getACL returns) and its children, read with pipelined asynchronous calls so that 100,000 nodes take
 * seconds.
 */
public final class TreeWalk {
    /** What a client sees of one node. */
    public record Seen(String data, String stat, String acl, List<String> children) {
    }

    private TreeWalk() {
    }

    static String stat(Stat s) {
        return "czxid=" + s.getCzxid() + " mzxid=" + s.getMzxid() + " pzxid=" + s.getPzxid() + " ctime=" + s.getCtime()
                + " mtime=" + s.getMtime() + " version=" + s.getVersion() + " cversion=" + s.getCversion()
                + " aversion=" + s.getAversion() + " ephemeralOwner=" + s.getEphemeralOwner() + " dataLength="
                + s.getDataLength() + " numChildren=" + s.getNumChildren();
    }

    public static Map<String, Seen> walk(ZooKeeper zk) throws Exception {
        return walk(zk, "/");
    }

    /** The subtree at {@code root}. */
    static Map<String, Seen> walk(ZooKeeper zk, String root) throws Exception {
        Map<String, Seen> out = new ConcurrentHashMap<>();
        Semaphore window = new Semaphore(2000);
        AtomicInteger pending = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ConcurrentLinkedQueue<String> todo = new ConcurrentLinkedQueue<>();
        todo.add(root);
        pending.incrementAndGet();
        Object done = new Object();
        while (true) {
            String path = todo.poll();
            if (path == null) {
                if (pending.get() == 0 || failure.get() != null) {
                    break;
                }
                synchronized (done) {
                    done.wait(5);
                }
                continue;
            }
            window.acquire();
            zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                if (rc != 0) {
                    failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), p));
                    window.release();
                    pending.decrementAndGet();
                    return;
                }
                String d = data == null ? "null" : Base64.getEncoder().encodeToString(data);
                zk.getACL(p, new Stat(), (rc2, p2, ctx2, acl, aclStat) -> {
                    if (rc2 != 0) {
                        failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc2), p2));
                        window.release();
                        pending.decrementAndGet();
                        return;
                    }
                    String a = acls(acl) + " | " + stat(aclStat);
                    zk.getChildren(p2, false, (rc3, p3, ctx3, kids) -> {
                        if (rc3 != 0) {
                            failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc3), p3));
                        } else {
                            List<String> sorted = new ArrayList<>(kids);
                            sorted.sort(null);
                            out.put(p3, new Seen(d, stat(stat), a, sorted));
                            for (String k : sorted) {
                                pending.incrementAndGet();
                                todo.add(p3.equals("/") ? "/" + k : p3 + "/" + k);
                            }
                        }
                        window.release();
                        pending.decrementAndGet();
                        synchronized (done) {
                            done.notifyAll();
                        }
                    }, null);
                }, null);
            }, null);
        }
        if (failure.get() != null) {
            throw new AssertionError("walk failed", failure.get());
        }
        window.tryAcquire(2000, 60, TimeUnit.SECONDS);
        return new TreeMap<>(out);
    }

    /** A node as a diff shows it: the children by count (a bulk parent has a thousand). */
    static String brief(Seen s) {
        return s == null ? "(missing)" : "data=" + s.data() + " stat=" + s.stat() + " acl=" + s.acl() + " children="
                + s.children().size();
    }

    static String acls(List<ACL> list) {
        StringBuilder b = new StringBuilder();
        for (ACL a : list) {
            b.append(a.getPerms()).append(':').append(a.getId().getScheme()).append(':').append(a.getId().getId())
                    .append(';');
        }
        return b.toString();
    }

    /** The differences between two walks (at most {@code limit} lines), empty if the trees are equal. */
    public static List<String> diff(Map<String, Seen> expected, Map<String, Seen> actual, int limit) {
        List<String> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Seen a = actual.get(e.getKey());
            if (!e.getValue().equals(a)) {
                out.add(e.getKey() + "\n  expected " + brief(e.getValue()) + "\n  actual   " + brief(a));
            }
            if (out.size() >= limit) {
                return out;
            }
        }
        for (String p : actual.keySet()) {
            if (!expected.containsKey(p) && out.size() < limit) {
                out.add(p + ": only in the actual tree");
            }
        }
        return out;
    }
}
