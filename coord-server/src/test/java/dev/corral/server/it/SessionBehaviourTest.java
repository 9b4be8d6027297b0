package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.CreateRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session handshakes, timeouts and expiry, compared with a real ZooKeeper configured the same way. */
class SessionBehaviourTest {
    private static final int TICK = 200;
    private static final int MIN = 2 * TICK;
    private static final int MAX = 20 * TICK;

    @TempDir
    Path dir;

    private interface Check {
        List<String> run(Servers.Target target) throws Exception;
    }

    private void sameOnBoth(Check check) throws Exception {
        List<String> expected;
        List<String> actual;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")), TICK, MIN, MAX)) {
            expected = check.run(zk);
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("ours")),
                c -> c.withTickTime(TICK).withSessionTimeouts(MIN, MAX))) {
            actual = check.run(corral);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void timeoutIsNegotiatedIntoMinMax() throws Exception {
        sameOnBoth(target -> {
            List<String> out = new ArrayList<>();
            for (int asked : new int[] {MIN / 2, MIN + 100, 100_000}) {
                ZooKeeper zk = Servers.connect(target.connectString(), asked, null);
                out.add(asked + " -> " + zk.getSessionTimeout());
                zk.close();
            }
            return out;
        });
    }

    @Test
    void handshakeOfOldClientsWithoutReadOnlyFlag() throws Exception {
        sameOnBoth(target -> {
            List<String> out = new ArrayList<>();
            for (boolean readOnlyFlag : new boolean[] {false, true}) {
                try (RawClient raw = new RawClient(target.connectString())) {
                    byte[] body = RawClient.connectBody(0, new byte[16], 3000, readOnlyFlag);
                    out.add("request " + (body.length));
                    raw.sendFrame(body);
                    byte[] reply = raw.readFrame();
                    DataInputStream d = new DataInputStream(new ByteArrayInputStream(reply));
                    out.add("reply length " + reply.length + " protocol " + d.readInt() + " timeout " + d.readInt());
                }
            }
            return out;
        });
    }

    @Test
    void wrongPasswordExpiresTheNewHandleAndDropsTheOwner() throws Exception {
        sameOnBoth(target -> {
            List<String> ownerEvents = Collections.synchronizedList(new ArrayList<>());
            ZooKeeper owner = Servers.connect(target.connectString(), MAX, e -> ownerEvents.add(e.getState().name()));
            owner.create("/owned", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            List<String> intruderEvents = Collections.synchronizedList(new ArrayList<>());
            byte[] wrong = new byte[16];
            ZooKeeper intruder = new ZooKeeper(target.connectString(), MAX,
                    e -> intruderEvents.add(e.getState().name()), owner.getSessionId(), wrong);
            Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> intruderEvents.contains("Expired"));
            intruder.close();
            // The owner lost its connection and reconnects with the right password: same session, node intact.
            Awaitility.await().atMost(15, TimeUnit.SECONDS)
                    .until(() -> ownerEvents.lastIndexOf("SyncConnected") > ownerEvents.indexOf("Disconnected")
                            && ownerEvents.contains("Disconnected"));
            List<String> out = new ArrayList<>();
            out.add("intruder " + intruderEvents);
            out.add("owner " + ownerEvents);
            out.add("node " + (owner.exists("/owned", false) != null));
            owner.close();
            return out;
        });
    }

    @Test
    void sameIdAndPasswordResumeTheSession() throws Exception {
        sameOnBoth(target -> {
            ZooKeeper first = Servers.connect(target.connectString(), MAX, null);
            first.create("/mine", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            ZooKeeper second = new ZooKeeper(target.connectString(), MAX, e -> events.add(e.getState().name()),
                    first.getSessionId(), first.getSessionPasswd());
            Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> events.contains("SyncConnected"));
            List<String> out = new ArrayList<>();
            out.add("same session " + (second.getSessionId() == first.getSessionId()));
            out.add("owner " + (second.exists("/mine", false).getEphemeralOwner() == first.getSessionId()));
            second.close();
            out.add("after close " + (Servers.connect(target.connectString(), MAX, null).exists("/mine", false)));
            return out;
        });
    }

    @Test
    void aClientCutOffPastItsTimeoutFindsItsSessionExpired() throws Exception {
        sameOnBoth(target -> {
            List<String> states = Collections.synchronizedList(new ArrayList<>());
            try (TcpProxy proxy = new TcpProxy(target.connectString())) {
                ZooKeeper zk = Servers.connect(proxy.connectString(), MIN, e -> states.add(e.getState().name()));
                zk.create("/cutoff", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                proxy.block();
                Thread.sleep(MIN * 4L);
                proxy.unblock();
                Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> states.contains("Expired"));
                zk.close();
            }
            ZooKeeper other = Servers.connect(target.connectString(), MAX, null);
            List<String> out = new ArrayList<>();
            out.add("states " + states);
            out.add("ephemeral gone " + (other.exists("/cutoff", false) == null));
            other.close();
            return out;
        });
    }

    @Test
    void maxClientCnxnsLimitsConnectionsPerAddress() throws Exception {
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("limit")),
                c -> c.withMaxClientCnxns(2))) {
            try (RawClient a = new RawClient(corral.connectString())) {
                a.sendFrame(RawClient.connectBody(0, new byte[16], MIN, true));
                assertThat(a.readFrame()).as("first connection").isNotNull();
                RawClient b = new RawClient(corral.connectString());
                b.sendFrame(RawClient.connectBody(0, new byte[16], MIN, true));
                assertThat(b.readFrame()).as("second connection").isNotNull();
                RawClient c = new RawClient(corral.connectString());
                c.soTimeout(5000);
                assertThat(c.closedByServer()).as("third connection from one address").isTrue();
                b.close();
                c.close();
            }
            // once one closes, a new connection is admitted again
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
                try (RawClient d = new RawClient(corral.connectString())) {
                    d.sendFrame(RawClient.connectBody(0, new byte[16], MIN, true));
                    return d.readFrame() != null;
                }
            });
        }
    }

    @Test
    void silentSessionExpiresAndItsEphemeralsFireWatches() throws Exception {
        sameOnBoth(target -> {
            List<String> out = new ArrayList<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            ZooKeeper watcher = Servers.connect(target.connectString(), MAX, e -> {
                if (e.getType() != Watcher.Event.EventType.None) {
                    events.add(e.getType() + " " + e.getPath());
                }
            });
            try (RawClient silent = new RawClient(target.connectString())) {
                silent.sendFrame(RawClient.connectBody(0, new byte[16], MIN, true));
                byte[] reply = silent.readFrame();
                out.add("connected " + (reply != null));
                silent.sendFrame(RawClient.request(1, 1, new CreateRequest("/silent", new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL.toFlag())));
                silent.readFrame();
                out.add("exists " + (watcher.exists("/silent", true) != null));
                watcher.getChildren("/", true);
                Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> events.size() >= 2);
                out.add("events " + events);
                out.add("gone " + (watcher.exists("/silent", false) == null));
                silent.soTimeout(5000);
                out.add("silent connection closed " + silent.closedByServer());
            }
            watcher.close();
            return out;
        });
    }
}
