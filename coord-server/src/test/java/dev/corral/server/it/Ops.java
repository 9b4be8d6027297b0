package dev.corral.server.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The operations a differential scenario performs, each run through a stock client and written to the
 * transcript with its result or error code.
 */
final class Ops implements AutoCloseable {
    private final String connectString;
    final Transcript transcript = new Transcript();
    private final List<Session> sessions = new ArrayList<>();

    Ops(String connectString, int clients) throws Exception {
        this.connectString = connectString;
        for (int i = 0; i < clients; i++) {
            sessions.add(open(i));
        }
    }

    private Session open(int i) throws Exception {
        Session s = new Session(i, connectString);
        transcript.session(s.sessionId(), i);
        return s;
    }

    Session session(int i) {
        return sessions.get(i);
    }

    /** Where the clients connect (for raw sessions beside them). */
    String connectString() {
        return connectString;
    }

    int clients() {
        return sessions.size();
    }

    private interface Call {
        String run() throws Exception;
    }

    /**
     * With clients spread over an ensemble, a read may reach a server that has not yet applied another client's
     * write (ZooKeeper's guarantees are per client). Syncing first makes the comparison with one server exact.
     */
    boolean syncBeforeReads;

    /** For a read made directly on a client's handle: syncs first if {@link #syncBeforeReads}. */
    void beforeDirectRead(int client) {
        if (syncBeforeReads) {
            syncFirst(client);
        }
    }

    private void syncFirst(int client) {
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sessions.get(client).zk.sync("/", (rc, p, ctx) -> done.complete(null), null);
            done.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("sync failed", e);
        }
    }

    private static boolean isRead(String what) {
        return what.startsWith("exists") || what.startsWith("get") || what.startsWith("multiRead")
                || what.startsWith("whoAmI");
    }

    private void op(int client, String what, Call call) {
        if (syncBeforeReads && isRead(what)) {
            syncFirst(client);
        }
        String result;
        try {
            result = call.run();
        } catch (KeeperException e) {
            result = Session.error(e);
        } catch (IllegalArgumentException e) {
            result = "client rejects: IllegalArgumentException";
        } catch (Exception e) {
            result = "EXCEPTION " + e.getClass().getSimpleName();
        }
        transcript.add("c" + client + " " + what + " -> " + result);
    }

    void create(int c, String path, String data, CreateMode mode) {
        create(c, path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    }

    void create(int c, String path, String data, List<ACL> acl, CreateMode mode) {
        op(c, "create " + path + " " + mode, () -> sessions.get(c).zk.create(path, bytes(data), acl, mode));
    }

    void create2(int c, String path, String data, CreateMode mode) {
        op(c, "create2 " + path + " " + mode, () -> {
            Stat stat = new Stat();
            String p = sessions.get(c).zk.create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode, stat);
            return p + " " + transcript.stat(stat);
        });
    }

    void delete(int c, String path, int version) {
        op(c, "delete " + path + " v" + version, () -> {
            sessions.get(c).zk.delete(path, version);
            return "ok";
        });
    }

    void setData(int c, String path, String data, int version) {
        op(c, "setData " + path + " v" + version, () ->
                transcript.stat(sessions.get(c).zk.setData(path, bytes(data), version)));
    }

    void exists(int c, String path, boolean watch) {
        op(c, "exists " + path + (watch ? " watch" : ""), () ->
                transcript.stat(sessions.get(c).zk.exists(path, watch)));
    }

    void getData(int c, String path, boolean watch) {
        op(c, "getData " + path + (watch ? " watch" : ""), () -> {
            Stat stat = new Stat();
            byte[] data = sessions.get(c).zk.getData(path, watch, stat);
            return (data == null ? "null" : "'" + new String(data) + "'") + " " + transcript.stat(stat);
        });
    }

    void getChildren(int c, String path, boolean watch) {
        op(c, "getChildren " + path + (watch ? " watch" : ""), () ->
                sorted(sessions.get(c).zk.getChildren(path, watch)).toString());
    }

    void getChildren2(int c, String path, boolean watch) {
        op(c, "getChildren2 " + path + (watch ? " watch" : ""), () -> {
            Stat stat = new Stat();
            List<String> kids = sessions.get(c).zk.getChildren(path, watch, stat);
            return sorted(kids) + " " + transcript.stat(stat);
        });
    }

    void allChildrenNumber(int c, String path) {
        op(c, "getAllChildrenNumber " + path, () -> String.valueOf(sessions.get(c).zk.getAllChildrenNumber(path)));
    }

    void getAcl(int c, String path) {
        op(c, "getACL " + path, () -> {
            Stat stat = new Stat();
            List<ACL> acl = sessions.get(c).zk.getACL(path, stat);
            return acl + " " + transcript.stat(stat);
        });
    }

    void sync(int c, String path) {
        op(c, "sync " + path, () -> {
            CompletableFuture<String> done = new CompletableFuture<>();
            sessions.get(c).zk.sync(path, (rc, p, ctx) -> done.complete(KeeperException.Code.get(rc) + " " + p), null);
            return done.get(20, TimeUnit.SECONDS);
        });
    }

    void multi(int c, List<org.apache.zookeeper.Op> ops) {
        op(c, "multi " + ops.size() + " ops", () -> {
            try {
                return "ok " + results(sessions.get(c).zk.multi(ops));
            } catch (KeeperException e) {
                return Session.error(e) + " " + results(e.getResults());
            }
        });
    }

    void multiRead(int c, List<org.apache.zookeeper.Op> ops) {
        op(c, "multiRead " + ops.size() + " ops", () -> results(sessions.get(c).zk.multi(ops)));
    }

    private String results(List<org.apache.zookeeper.OpResult> results) {
        if (results == null) {
            return "no results";
        }
        List<String> out = new ArrayList<>();
        for (org.apache.zookeeper.OpResult r : results) {
            if (r instanceof org.apache.zookeeper.OpResult.CreateResult cr) {
                out.add("create(" + cr.getType() + ") " + cr.getPath() + " " + transcript.stat(cr.getStat()));
            } else if (r instanceof org.apache.zookeeper.OpResult.SetDataResult sr) {
                out.add("setData " + transcript.stat(sr.getStat()));
            } else if (r instanceof org.apache.zookeeper.OpResult.ErrorResult er) {
                out.add("error " + er.getErr());
            } else if (r instanceof org.apache.zookeeper.OpResult.GetDataResult gr) {
                out.add("getData '" + (gr.getData() == null ? null : new String(gr.getData())) + "' "
                        + transcript.stat(gr.getStat()));
            } else if (r instanceof org.apache.zookeeper.OpResult.GetChildrenResult gc) {
                out.add("getChildren " + sorted(gc.getChildren()));
            } else {
                out.add(r.getClass().getSimpleName() + "(" + r.getType() + ")");
            }
        }
        return out.toString();
    }

    void addWatch(int c, String path, org.apache.zookeeper.AddWatchMode mode) {
        op(c, "addWatch " + path + " " + mode, () -> {
            sessions.get(c).zk.addWatch(path, mode);
            return "ok";
        });
    }

    void removeAllWatches(int c, String path, org.apache.zookeeper.Watcher.WatcherType type) {
        op(c, "removeAllWatches " + path + " " + type, () -> {
            sessions.get(c).zk.removeAllWatches(path, type, false);
            return "ok";
        });
    }

    void getEphemerals(int c, String prefix) {
        op(c, "getEphemerals " + prefix, () -> sorted(sessions.get(c).zk.getEphemerals(prefix)).toString());
    }

    void whoAmI(int c) {
        op(c, "whoAmI", () -> {
            List<String> out = new ArrayList<>();
            for (org.apache.zookeeper.data.ClientInfo i : sessions.get(c).zk.whoAmI()) {
                out.add(i.getAuthScheme() + ":" + i.getUser());
            }
            return sorted(out).toString();
        });
    }

    void addAuth(int c, String scheme, String auth) {
        op(c, "addAuthInfo " + scheme, () -> {
            sessions.get(c).zk.addAuthInfo(scheme, auth.getBytes());
            return "ok";
        });
    }

    void setAcl(int c, String path, List<ACL> acl, int version) {
        op(c, "setACL " + path + " v" + version, () -> transcript.stat(sessions.get(c).zk.setACL(path, acl, version)));
    }

    void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /** Records the watch events client {@code c} has received so far. */
    void events(int c) throws Exception {
        if (syncBeforeReads) {
            syncFirst(c);
        }
        transcript.add("c" + c + " events " + sessions.get(c).drainEvents());
    }

    void allEvents() throws Exception {
        for (int i = 0; i < sessions.size(); i++) {
            events(i);
        }
    }

    /** Closes client {@code c}'s session (its ephemerals go) and opens a fresh one in its place. */
    void reopen(int c) throws Exception {
        sessions.get(c).close();
        transcript.add("c" + c + " closed session");
        sessions.set(c, open(c));
    }

    void note(String line) {
        transcript.add(line);
    }

    private static byte[] bytes(String data) {
        return data == null ? null : data.getBytes();
    }

    private static List<String> sorted(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        copy.sort(null);
        return copy;
    }

    @Override
    public void close() throws Exception {
        for (Session s : sessions) {
            s.close();
        }
    }
}
