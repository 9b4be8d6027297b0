package dev.corral.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.server.clients.ChildProcess;
import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Corral as a real process: kill -9 under load and restart on the same data directory; sessions across it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillAndRestartTest {
    private static final int WRITERS = 4;
    private static final int MAX_OUTSTANDING = 64;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCreateSurvivesKill9() throws Exception {
        try (CorralProcess server = new CorralProcess(dir, Map.of()).start()) {
            ZooKeeper setup = Servers.connect(server.connectString(), 10_000, null);
            setup.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            setup.close();

            Set<String> attempted = ConcurrentHashMap.newKeySet();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 2; round++) {
                int ackedBefore = acknowledged.size();
                int inFlightAtKill = loadThenKill(server, round, attempted, acknowledged);
                System.out.printf("round %d: %d creates acknowledged in all, %d attempted, %d in flight at kill%n",
                        round, acknowledged.size(), attempted.size(), inFlightAtKill);
                assertThat(acknowledged.size() - ackedBefore).as("creates acknowledged in round %d", round)
                        .isGreaterThan(200);
                assertThat(inFlightAtKill).as("creates in flight when the server was killed").isPositive();

                server.start();
                ZooKeeper check = Servers.connect(server.connectString(), 10_000, null);
                try {
                    Set<String> present = new HashSet<>(check.getChildren("/load", false));
                    Set<String> lost = new HashSet<>();
                    for (String path : acknowledged) {
                        if (!present.contains(path.substring("/load/".length()))) {
                            lost.add(path);
                        }
                    }
                    assertThat(lost).as("acknowledged creates missing after kill -9 and restart (round %d, "
                            + "%d acknowledged)", round, acknowledged.size()).isEmpty();
                    for (String child : present) {
                        assertThat(attempted).as("a node nobody created").contains("/load/" + child);
                    }
                    // The data of an acknowledged node is intact too.
                    String sample = acknowledged.iterator().next();
                    assertThat(new String(check.getData(sample, false, new Stat()))).isEqualTo(sample);
                } finally {
                    check.close();
                }
            }
        }
    }

    /** Runs async writers until enough creates were acknowledged, then kills the server mid-load. */
    private static int loadThenKill(CorralProcess server, int round, Set<String> attempted, Set<String> acknowledged)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ackedThisRound = new AtomicInteger();
        List<ZooKeeper> clients = new CopyOnWriteArrayList<>();
        List<Semaphore> windows = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            ZooKeeper zk = Servers.connect(server.connectString(), 10_000, null);
            clients.add(zk);
            Semaphore window = new Semaphore(MAX_OUTSTANDING);
            windows.add(window);
            String prefix = "/load/r" + round + "-w" + w + "-";
            Thread t = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    try {
                        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    String path = prefix + n;
                    attempted.add(path);
                    zk.create(path, path.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                            (rc, p, ctx, name) -> {
                                if (rc == KeeperException.Code.OK.intValue()) {
                                    acknowledged.add(p);
                                    ackedThisRound.incrementAndGet();
                                }
                                window.release();
                            }, null);
                }
            }, "writer-" + w);
            writers.add(t);
            t.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ackedThisRound.get() >= 1500 + round * 500);
        int inFlight = 0;
        for (Semaphore window : windows) {
            inFlight += MAX_OUTSTANDING - window.availablePermits();
        }
        server.kill();
        stop.set(true);
        for (Thread t : writers) {
            t.join(10_000);
        }
        for (ZooKeeper zk : clients) {
            zk.close(1000);
        }
        return inFlight;
    }

    @Test
    void sessionWithEphemeralsSurvivesRestartWithinItsTimeout() throws Exception {
        try (CorralProcess server = new CorralProcess(dir, Map.of("tickTime", "200", "minSessionTimeout", "400",
                "maxSessionTimeout", "20000")).start()) {
            AtomicBoolean expired = new AtomicBoolean();
            AtomicInteger connects = new AtomicInteger();
            ZooKeeper zk = Servers.connect(server.connectString(), 8000, event -> {
                if (event.getState() == Watcher.Event.KeeperState.Expired) {
                    expired.set(true);
                }
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected
                        && event.getType() == Watcher.Event.EventType.None) {
                    connects.incrementAndGet();
                }
            });
            try {
                long sessionId = zk.getSessionId();
                assertThat(zk.getSessionTimeout()).isEqualTo(8000);
                zk.create("/eph", "mine".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);

                server.kill();
                server.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> connects.get() >= 2);

                assertThat(expired).as("session expired across the restart").isFalse();
                assertThat(zk.getSessionId()).isEqualTo(sessionId);
                Stat stat = zk.exists("/eph", false);
                assertThat(stat).as("ephemeral after restart").isNotNull();
                assertThat(stat.getEphemeralOwner()).isEqualTo(sessionId);
                // The restored session is alive, not just not-yet-expired: it outlives its timeout while pinging.
                Thread.sleep(9_000);
                assertThat(expired).isFalse();
                assertThat(zk.exists("/eph", false)).isNotNull();
                zk.create("/eph2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            } finally {
                zk.close();
            }
            ZooKeeper other = Servers.connect(server.connectString(), 8000, null);
            try {
                assertThat(other.exists("/eph", false)).as("ephemeral after its session closed").isNull();
                assertThat(other.exists("/eph2", false)).isNull();
            } finally {
                other.close();
            }
        }
    }

    @Test
    void expiredSessionsLoseTheirEphemeralsAcrossRestart() throws Exception {
        try (CorralProcess server = new CorralProcess(dir, Map.of("tickTime", "200", "minSessionTimeout", "400",
                "maxSessionTimeout", "2000")).start()) {
            ZooKeeper zk = Servers.connect(server.connectString(), 1000, null);
            long sessionId = zk.getSessionId();
            zk.create("/gone", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.create("/stays", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            server.kill();
            // The client gives up without telling the server: nothing but expiry can remove /gone.
            zk.close(100);
            Thread.sleep(2000);
            server.start();
            // A longer timeout for the observer: a loaded machine must not cost it its connection.
            ZooKeeper other = Servers.connect(server.connectString(), 2000, null);
            try {
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                        .until(() -> other.exists("/gone", false) == null);
                assertThat(other.exists("/stays", false)).isNotNull();
            } finally {
                other.close();
            }
            assertThat(server.output()).contains("session 0x" + Long.toHexString(sessionId) + " expired");
        }
    }

    @Test
    void aClientKilledWithoutClosingLosesItsEphemeralsAtExpiryNotBefore() throws Exception {
        Path cliMt = ChildProcess.requireExecutable("/usr/lib/zookeeper/bin/cli_mt");
        try (CorralProcess server = new CorralProcess(dir, Map.of("tickTime", "200", "minSessionTimeout", "400",
                "maxSessionTimeout", "3000")).start()) {
            // cli_mt asks for a 10 s session; the server's maxSessionTimeout caps it at 3 s.
            try (ChildProcess cli = ChildProcess.start(List.of(cliMt.toString(), server.connectString()), null)) {
                cli.awaitOutput(0, "Got a new session id", Duration.ofSeconds(15));
                cli.send("create +e /owned");
                cli.awaitOutput(0, "[/owned]: rc = 0", Duration.ofSeconds(15));
                ZooKeeper zk = Servers.connect(server.connectString(), 3000, null);
                try {
                    Stat stat = zk.exists("/owned", false);
                    assertThat(stat).isNotNull();
                    long owner = stat.getEphemeralOwner();
                    long killedAt = System.nanoTime();
                    cli.kill();
                    // A dropped connection is not a closed session: the node waits for the session to expire.
                    Thread.sleep(500);
                    assertThat(zk.exists("/owned", false)).as("ephemeral right after its client died").isNotNull();
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                            .until(() -> zk.exists("/owned", false) == null);
                    long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                    assertThat(goneAfterMs).as("ms from kill to ephemeral deletion").isBetween(1500L, 12_000L);
                    assertThat(server.output()).contains("session 0x" + Long.toHexString(owner) + " expired");
                } finally {
                    zk.close();
                }
            }
        }
    }
}
