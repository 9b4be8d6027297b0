package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static dev.corral.server.ensemble.process.ProcessEnsemble.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A planned handover (rqld) seen from a client of the third member, neither the old leader nor the target, and from
 * a client of the target, the follower that becomes leader: its
 * connection stays open (no Disconnected), every create it had in flight or sent during the handover is acknowledged
 * (none fails with a connection loss, none is lost or applied twice), its session, ephemeral and watches carry on, and
 * its longest pause between acknowledgements is printed as {@code [ensemble-times]}. ZooKeeper has no rqld (its
 * followers close their connections on any leader change), so there is no reference run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeptClientsProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aThirdMembersClientKeepsItsConnectionSessionAndWatchesThroughRqld(TestInfo info) throws Exception {
        run(info, false);
    }

    /** The member the client uses becomes the leader: its own proposer takes the held writes. */
    @Test
    void theNewLeadersClientKeepsItsConnectionSessionAndWatchesThroughRqld(TestInfo info) throws Exception {
        run(info, true);
    }

    private void run(TestInfo info, boolean clientOnTarget) throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            int leader = ensemble.startAll();
            int target = leader == 1 ? 2 : 1;
            int third = 6 - leader - target;
            int served = clientOnTarget ? target : third;
            List<Watcher.Event.KeeperState> states = new CopyOnWriteArrayList<>();
            List<String> events = new CopyOnWriteArrayList<>();
            try (ZooKeeper zk = ensemble.client(served, 10_000, e -> record(e, states, events))) {
                long session = zk.getSessionId();
                zk.create("/kept", "v0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/kept/eph", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                zk.getData("/kept", true, null);
                zk.exists("/kept/after", true);

                WriteLoad writes = new WriteLoad(List.of(zk), "/kept", 8, false).start();
                ensemble.await(() -> writes.acknowledged.size() >= 100, LONG, "100 creates through " + served);
                long asked = System.nanoTime();
                assertThat(ensemble.fourLetter(target, "rqld")).isEqualTo("Sent leadership request to leader.\n");
                ensemble.await(() -> "leader".equals(ensemble.mode(target)), LONG, "server " + target + " to lead");
                long ledMs = ms(asked);
                long before = writes.acknowledged.size();
                ensemble.await(() -> writes.acknowledged.size() >= before + 100, LONG, "100 creates after rqld");
                long gapMs = writes.longestGaps(asked, ms(asked))[1];
                writes.stop();
                System.out.printf("[ensemble-times] rqld on server %d (leader was %d): it leads after %d ms; the"
                        + " longest time without an acknowledged create for the client of server %d: %d ms%n", target,
                        leader, ledMs, served, gapMs);

                assertThat(states).as("connection state changes of the client of server " + served)
                        .doesNotContain(Watcher.Event.KeeperState.Disconnected);
                assertThat(writes.errors).as("creates that failed").isEmpty();
                assertThat(writes.outstanding()).as("creates never answered").isEmpty();
                assertThat(zk.getSessionId()).isEqualTo(session);
                assertThat(ensemble.output(served)).as("server %d's log", served)
                        .contains("leader change bridge: clients kept").doesNotContain("no new leader in time");

                try (ZooKeeper other = ensemble.client(clientOnTarget ? third : target, 10_000, null)) {
                    other.setData("/kept", "v1".getBytes(), -1);
                    other.create("/kept/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                    assertThat(other.exists("/kept/eph", false)).as("the kept session's ephemeral").isNotNull();
                    assertThat(other.exists("/kept/eph", false).getEphemeralOwner()).isEqualTo(session);
                }
                ensemble.await(() -> events.containsAll(Set.of("NodeDataChanged /kept", "NodeCreated /kept/after")),
                        Duration.ofSeconds(10), "the kept client's watches to fire");
                assertThat(new String(zk.getData("/kept", false, null))).isEqualTo("v1");
                TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
                long created = tree.keySet().stream().filter(p -> p.startsWith("/kept/w0-")).count();
                log("kept client: %d creates in the tree", created);
                assertThat(created).as("creates in the tree").isEqualTo(writes.acknowledged.size());
            }
        }
    }

    private static void record(WatchedEvent e, List<Watcher.Event.KeeperState> states, List<String> events) {
        if (e.getType() == Watcher.Event.EventType.None) {
            states.add(e.getState());
        } else {
            events.add(e.getType() + " " + e.getPath());
        }
    }
}
