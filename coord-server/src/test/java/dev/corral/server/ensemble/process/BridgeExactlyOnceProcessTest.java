package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unplanned leader change across which a follower keeps its clients ({@code LeaderChangeBridge}) applies no write
 * twice. The leader L stops reaching follower F (one-way cut: F's forwards still reach L), F's client sends writes
 * that L commits with the other follower G while F applies none of them, then L is killed -9 and G leads. F must
 * apply G's commits, which answer those writes, before it resends what is still unanswered; resending at once would
 * apply them a second time. Checked: every sequential create's data at most once in the tree (exactly once if
 * acknowledged), the counter's version between its acknowledged and its sent setData counts, every write
 * acknowledged (the client kept its connection and session), and F's log shows the bridge was used and that nothing
 * was left to resend. ZooKeeper's followers close their connections on any leader change, so there is no reference
 * run. Needs root (iptables on loopback); skipped otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BridgeExactlyOnceProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    /** Writes of each kind: enough to be visible, few enough that L commits them all well inside syncLimit. */
    private static final int WRITES = 5;

    @TempDir
    Path dir;

    /** L commits F's client's writes with G (G applies them); F has none of them when L dies. */
    @Test
    void writesTheDeadLeaderCommittedAreAnsweredFromTheLogNotResent(TestInfo info) throws Exception {
        run(info, true);
    }

    /**
     * G logs and ACKs L's proposals of F's client's writes but its ACKs never reach L, and L's SYNCED are not sent
     * (as in a five-member ensemble, where L and G are no quorum), so nothing commits them in L's term: the new leader G commits them only once established, after its UPTODATE to F (which carries the
     * commit point from before). F applies that COMMIT either in the same Ready as the UPTODATE or, if it arrives a
     * moment later, after it has reported itself active: {@code corral.test.upToDateAlone} makes it the latter (on
     * loopback it is rare), the case where resending before the read index is applied here proposes them again.
     */
    @Test
    void writesOnlyTheNewLeaderLoggedAreCommittedOnceNotResent(TestInfo info) throws Exception {
        run(info, false);
    }

    private void run(TestInfo info, boolean leaderCommits) throws Exception {
        assumeTrue(LoopbackCut.available(), "needs root and iptables to cut loopback connections one way");
        // Without the leader's SYNCED, G (whose ACKs are cut) would commit L's proposals itself on L's word and its own
        // fsync: that is the first case, not this one.
        List<String> jvm = leaderCommits ? List.of()
                : List.of("-Dcorral.test.upToDateAlone=true", "-Dcorral.test.noSynced=true");
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(), jvm)) {
            int leader = ensemble.startAll();
            int f = leader == 1 ? 2 : 1;
            int g = 6 - leader - f;
            List<Watcher.Event.KeeperState> states = new CopyOnWriteArrayList<>();
            try (ZooKeeper zk = ensemble.client(f, 10_000, e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                }
            })) {
                long session = zk.getSessionId();
                zk.create("/once", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                zk.create("/counter", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                long base = ensemble.zxid(f);
                ensemble.await(() -> ensemble.zxid(g) == base && ensemble.zxid(leader) == base, LONG,
                        "every member to apply the setup");

                long gWal = walBytes(ensemble.dataDir(g));
                Map<String, Integer> creates = new ConcurrentHashMap<>();
                Map<Integer, Integer> sets = new ConcurrentHashMap<>();
                try (LoopbackCut toF = LoopbackCut.oneWay(ensemble, leader, f);
                        LoopbackCut toL = leaderCommits ? null : LoopbackCut.oneWay(ensemble, g, leader)) {
                    for (int i = 0; i < WRITES; i++) {
                        String data = "w" + i;
                        zk.create("/once/w-", data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT_SEQUENTIAL, (rc, p, c, name) -> creates.put(data, rc), null);
                        int n = i;
                        zk.setData("/counter", new byte[] {(byte) i}, -1, (rc, p, c, stat) -> sets.put(n, rc),
                                null);
                    }
                    if (leaderCommits) {
                        ensemble.await(() -> ensemble.zxid(g) >= base + 2 * WRITES, Duration.ofSeconds(5),
                                "server " + g + " to apply the " + 2 * WRITES + " writes");
                    } else {
                        // G applies nothing: its log's WAL growing shows it logged L's proposals (nothing else writes
                        // it meanwhile); a moment more lets a second batch in. "0 held writes resent" below confirms.
                        ensemble.await(() -> walBytes(ensemble.dataDir(g)) > gWal, Duration.ofSeconds(2),
                                "server " + g + " to log L's proposals");
                        ProcessEnsemble.sleep(100);
                        assertThat(ensemble.zxid(g)).as("server %d's applied zxid (nothing committed)", g)
                                .isEqualTo(base);
                    }
                    log("server %d applied zxid %x, server %d still at %x; %d replies so far", g, ensemble.zxid(g),
                            f, ensemble.zxid(f), creates.size() + sets.size());
                    assertThat(ensemble.zxid(f)).as("server %d's applied zxid while cut off", f).isEqualTo(base);
                    assertThat(creates.size() + sets.size()).as("replies before the leader died").isZero();
                    ensemble.kill(leader);
                }
                int next = ensemble.awaitStable(LONG);
                log("server %d leads now", next);
                ensemble.await(() -> creates.size() == WRITES && sets.size() == WRITES, LONG,
                        "every write to be answered");
                log("creates answered %s, setData answered %s, client states %s", codes(creates), codes(sets), states);

                // Applied at most once each (a write that failed with a connection loss may or may not be applied).
                long acknowledgedSets = sets.values().stream().filter(rc -> rc == 0).count();
                assertThat((long) zk.exists("/counter", false).getVersion()).as("the counter's version")
                        .isBetween(acknowledgedSets, (long) WRITES);
                Map<String, List<Stat>> perData = new TreeMap<>();
                for (String child : zk.getChildren("/once", false)) {
                    Stat stat = new Stat();
                    String data = new String(zk.getData("/once/" + child, false, stat), StandardCharsets.UTF_8);
                    perData.computeIfAbsent(data, d -> new ArrayList<>()).add(stat);
                }
                log("sequential creates in the tree, per data: %s", perData.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().stream()
                                .map(st -> Long.toHexString(st.getCzxid())).toList())
                        .collect(Collectors.joining(", ")));
                perData.forEach((data, stats) -> assertThat(stats).as("creates with data %s", data).hasSize(1));
                creates.forEach((data, rc) -> {
                    if (rc == 0) {
                        assertThat(perData).as("an acknowledged create").containsKey(data);
                    }
                });
                // The connection was kept, so every write was acknowledged; the bridge was used, and every write was answered from the log (G had them all, so nothing was left
                // to resend): the situation under test, not writes lost with L and resent once.
                assertThat(codes(creates) + ", " + codes(sets)).as("answers").doesNotContain("=" + "CONNECTIONLOSS")
                        .doesNotContain("=" + "SESSIONEXPIRED");
                assertThat(states).as("client connection states").containsExactly(
                        Watcher.Event.KeeperState.SyncConnected);
                assertThat(ensemble.output(f)).as("server %d's log", f)
                        .contains("leader change bridge: clients kept")
                        .contains("of leader " + g + ", 0 held writes resent")
                        .doesNotContain("no new leader in time");
                assertThat(zk.getSessionId()).isEqualTo(session);
                ensemble.assertSameTrees(LONG);
            }
        }
    }

    /** The size of a member's ZAB log's RocksDB write-ahead log files (its entries are written there first). */
    private static long walBytes(Path dataDir) {
        try (Stream<Path> files = Files.list(dataDir.resolve("zablog"))) {
            return files.filter(f -> f.getFileName().toString().matches("\\d+\\.log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a WAL file RocksDB just deleted
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String codes(Map<?, Integer> answers) {
        return new TreeMap<>(answers).entrySet().stream()
                .map(e -> e.getKey() + "=" + KeeperException.Code.get(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
