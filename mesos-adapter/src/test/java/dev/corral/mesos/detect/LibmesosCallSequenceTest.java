package dev.corral.mesos.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.mesos.support.ZkTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Replays, with the stock client, the ZooKeeper calls two Mesos masters make (libmesos' Group, ZooKeeper wrapper,
 * replicated-log network and master detector), and writes down what the server answers in a transcript with the
 * root path factored out. The expected transcript is what Apache ZooKeeper 3.9.5 answers; run with
 * {@code -Dcorral.connect=host:port} to demand the identical transcript from Corral.
 */
class LibmesosCallSequenceTest {

    private final List<String> transcript = new ArrayList<>();
    private String root;

    private void log(String line) {
        transcript.add(line.replace(root, "$ROOT"));
    }

    /** libmesos' recursive create: exists, then the parent (up to the last '/'), then the node. */
    private int createRecursive(ZooKeeper zk, String path, List<ACL> acl) throws Exception {
        if (zk.exists(path, false) != null) {
            log("exists " + path + " -> OK");
            return KeeperException.Code.NODEEXISTS.intValue();
        }
        log("exists " + path + " -> NONODE");
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (!parent.isEmpty()) {
            int code = createRecursive(zk, parent, acl);
            if (code != 0 && code != KeeperException.Code.NODEEXISTS.intValue()) {
                return code;
            }
        }
        try {
            log("create " + path + " -> " + zk.create(path, new byte[0], acl, CreateMode.PERSISTENT));
            return 0;
        } catch (KeeperException e) {
            log("create " + path + " -> " + e.code());
            return e.code().intValue();
        }
    }

    private static String acls(List<ACL> acl) {
        return acl.stream().map(a -> a.getId().getScheme() + ":" + (a.getId().getScheme().equals("digest")
                ? a.getId().getId().substring(0, a.getId().getId().indexOf(':')) : a.getId().getId()) + "=" + a.getPerms())
                .sorted().collect(Collectors.joining(","));
    }

    @Test
    void twoMastersAndAReplicatedLogThenSessionExpiry() throws Exception {
        root = ZkTarget.uniqueRoot("libmesos");
        String znode = root + "/mesos";
        List<ACL> acl = ZkGroup.EVERYONE_READ_CREATOR_ALL; // zk://user:pass@.../mesos
        BlockingQueue<WatchedEvent> events1 = new LinkedBlockingQueue<>();
        BlockingQueue<WatchedEvent> events2 = new LinkedBlockingQueue<>();
        ZooKeeper master1 = ZkTarget.connect(events1::add);
        ZooKeeper master2 = ZkTarget.connect(events2::add);
        try {
            // Master 1: authenticate, create the group path, contend as json.info_.
            master1.addAuthInfo("digest", "user:pass".getBytes(StandardCharsets.UTF_8));
            log("master1 createRecursive " + znode + " -> " + createRecursive(master1, znode, acl));
            MasterInfo info1 = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
            String m1 = master1.create(znode + "/json.info_", MasterInfos.toJson(info1).getBytes(StandardCharsets.UTF_8),
                    acl, CreateMode.EPHEMERAL_SEQUENTIAL);
            log("master1 create json.info_ EPHEMERAL_SEQUENTIAL -> " + m1);

            // Its replicated log joins its own group, unlabelled: the create path ends with a slash.
            String replicas = znode + "/log_replicas";
            log("master1 createRecursive " + replicas + " -> " + createRecursive(master1, replicas, acl));
            String r1 = master1.create(replicas + "/", "log-replica(1)@127.0.0.1:5050".getBytes(StandardCharsets.UTF_8),
                    acl, CreateMode.EPHEMERAL_SEQUENTIAL);
            log("master1 create log_replicas/ EPHEMERAL_SEQUENTIAL -> " + r1);

            // Master 1's detector: children with a watch, then the leader's data without one.
            List<String> children = new ArrayList<>(master1.getChildren(znode, true));
            Collections.sort(children);
            log("master1 getChildren(watch) -> " + children);
            Stat stat = new Stat();
            byte[] data = master1.getData(m1, false, stat);
            log("master1 getData " + m1 + " -> MasterInfo id=" + MasterInfos.fromJson(new String(data, StandardCharsets.UTF_8)).getId()
                    + " ephemeral=" + (stat.getEphemeralOwner() == master1.getSessionId()));
            log("getACL " + m1 + " -> " + acls(master1.getACL(m1, new Stat())));

            // Master 2 joins; master 1's child watch fires.
            master2.addAuthInfo("digest", "user:pass".getBytes(StandardCharsets.UTF_8));
            log("master2 createRecursive " + znode + " -> " + createRecursive(master2, znode, acl));
            MasterInfo info2 = MasterInfos.create("m2", "127.0.0.1", 5051, "master@127.0.0.1:5051");
            String m2 = master2.create(znode + "/json.info_", MasterInfos.toJson(info2).getBytes(StandardCharsets.UTF_8),
                    acl, CreateMode.EPHEMERAL_SEQUENTIAL);
            log("master2 create json.info_ EPHEMERAL_SEQUENTIAL -> " + m2);
            log("master1 event -> " + nextNodeEvent(events1));
            children = new ArrayList<>(master2.getChildren(znode, true));
            Collections.sort(children);
            log("master2 getChildren(watch) -> " + children);
            List<Membership> members = children.stream().map(Membership::parse).flatMap(Optional::stream).sorted().toList();
            log("leader -> " + members.get(0).znodeName());

            // Master 1's session expires: its ephemerals go, master 2's child watch fires, master 1 sees Expired.
            ZkTarget.expireSession(master1.getSessionId(), master1.getSessionPasswd());
            log("master2 event -> " + nextNodeEvent(events2));
            children = new ArrayList<>(master2.getChildren(znode, true));
            Collections.sort(children);
            log("master2 getChildren(watch) -> " + children);
            log("master2 getChildren log_replicas -> " + master2.getChildren(replicas, false));
            log("master1 state -> " + awaitState(events1, KeeperState.Expired));
            try {
                master2.getData(m1, false, null);
                log("master2 getData " + m1 + " -> OK");
            } catch (KeeperException e) {
                log("master2 getData " + m1 + " -> " + e.code());
            }
        } finally {
            master1.close();
            master2.close();
        }

        assertThat(transcript).containsExactly(
                "exists $ROOT/mesos -> NONODE",
                "exists $ROOT -> NONODE",
                "create $ROOT -> $ROOT",
                "create $ROOT/mesos -> $ROOT/mesos",
                "master1 createRecursive $ROOT/mesos -> 0",
                "master1 create json.info_ EPHEMERAL_SEQUENTIAL -> $ROOT/mesos/json.info_0000000000",
                "exists $ROOT/mesos/log_replicas -> NONODE",
                "exists $ROOT/mesos -> OK",
                "create $ROOT/mesos/log_replicas -> $ROOT/mesos/log_replicas",
                "master1 createRecursive $ROOT/mesos/log_replicas -> 0",
                "master1 create log_replicas/ EPHEMERAL_SEQUENTIAL -> $ROOT/mesos/log_replicas/0000000000",
                "master1 getChildren(watch) -> [json.info_0000000000, log_replicas]",
                "master1 getData $ROOT/mesos/json.info_0000000000 -> MasterInfo id=m1 ephemeral=true",
                "getACL $ROOT/mesos/json.info_0000000000 -> digest:user=31,world:anyone=1",
                "exists $ROOT/mesos -> OK",
                "master2 createRecursive $ROOT/mesos -> -110",
                "master2 create json.info_ EPHEMERAL_SEQUENTIAL -> $ROOT/mesos/json.info_0000000002",
                "master1 event -> NodeChildrenChanged $ROOT/mesos",
                "master2 getChildren(watch) -> [json.info_0000000000, json.info_0000000002, log_replicas]",
                "leader -> json.info_0000000000",
                "master2 event -> NodeChildrenChanged $ROOT/mesos",
                "master2 getChildren(watch) -> [json.info_0000000002, log_replicas]",
                "master2 getChildren log_replicas -> []",
                "master1 state -> Expired",
                "master2 getData $ROOT/mesos/json.info_0000000000 -> NONODE");
    }

    @Test
    void sequentialCreateWithATrailingSlashNamesTheChildBySequenceAlone() throws Exception {
        root = ZkTarget.uniqueRoot("slash");
        ZooKeeper zk = ZkTarget.connect(e -> { });
        try {
            zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            String a = zk.create(root + "/", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            String b = zk.create(root + "/", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
            assertThat(a).isEqualTo(root + "/0000000000");
            assertThat(b).isEqualTo(root + "/0000000001");
            assertThat(zk.getChildren(root, false)).containsExactlyInAnyOrder("0000000000", "0000000001");
        } finally {
            zk.close();
        }
    }

    private static String nextNodeEvent(BlockingQueue<WatchedEvent> events) throws InterruptedException {
        while (true) {
            WatchedEvent e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                return "none";
            }
            if (e.getType() != EventType.None) {
                return e.getType() + " " + e.getPath();
            }
        }
    }

    private static KeeperState awaitState(BlockingQueue<WatchedEvent> events, KeeperState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        KeeperState last = null;
        while (System.nanoTime() < deadline) {
            WatchedEvent e = events.poll(1, TimeUnit.SECONDS);
            if (e != null && e.getType() == EventType.None) {
                last = e.getState();
                if (last == wanted) {
                    return last;
                }
            }
        }
        return last;
    }
}
