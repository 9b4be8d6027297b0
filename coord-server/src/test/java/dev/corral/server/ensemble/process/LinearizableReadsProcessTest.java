package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client connected to a former leader that was paused (SIGSTOP) while the others elected a new leader and took a
 * write: resumed, the old leader still believes it leads for syncLimit ticks. With ZooKeeper's reads (the default)
 * it answers from its stale tree in that window; with linearizable reads (the zoo.cfg setting, or the session's
 * {@code addAuthInfo("corral", "linearizable")}) its reads wait for a read index it cannot get, fail with a
 * connection loss when it steps down, and return the new value once it follows the new leader: never the old one.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LinearizableReadsProcessTest {
    private static final byte[] OLD = "old".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEW = "new".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void defaultReadsOfAResumedFormerLeaderAreStale(TestInfo info) throws Exception {
        List<String> seen = readsAfterFailover(info, false, false);
        // The test's own control: without the mode the stale value shows, so the assertions below can fail.
        assertThat(seen).contains("old");
    }

    @Test
    void linearizableReadsSettingNeverReturnsTheOldValue(TestInfo info) throws Exception {
        List<String> seen = readsAfterFailover(info, true, false);
        assertThat(seen).doesNotContain("old").contains("new");
    }

    @Test
    void addAuthInfoOptInNeverReturnsTheOldValue(TestInfo info) throws Exception {
        List<String> seen = readsAfterFailover(info, false, true);
        assertThat(seen).doesNotContain("old").contains("new");
    }

    /** What a client of the paused-and-resumed former leader read: "old", "new" or an error name, in order. */
    private List<String> readsAfterFailover(TestInfo info, boolean setting, boolean optIn) throws Exception {
        List<String> seen = new ArrayList<>();
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            if (setting) {
                for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                    ensemble.configure(id, Map.of("corral.linearizableReads", "true"));
                }
            }
            int leader = ensemble.startAll();
            int other = leader % ProcessEnsemble.SIZE + 1;
            try (ZooKeeper writer = ensemble.clientPreferring(other, 30_000, null);
                 ZooKeeper reader = ensemble.client(leader, 30_000, null)) {
                if (optIn) {
                    reader.addAuthInfo("corral", "linearizable".getBytes(StandardCharsets.UTF_8));
                }
                writer.create("/reg", OLD, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                writer.sync("/reg", (rc, p, ctx) -> { }, null);
                ensemble.await(() -> read(reader).equals("old"), Duration.ofSeconds(30), "the reader to see old");

                ensemble.pause(leader);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    try {
                        writer.setData("/reg", NEW, -1);
                        break;
                    } catch (KeeperException.ConnectionLossException | KeeperException.SessionMovedException e) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("no write accepted without the paused leader", e);
                        }
                        ProcessEnsemble.sleep(100);
                    }
                }
                log("new value written while server %d is paused", leader);
                ensemble.resume(leader);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < until) {
                    seen.add(read(reader));
                }
                ensemble.await(() -> {
                    String v = read(reader);
                    seen.add(v);
                    return v.equals("new");
                }, Duration.ofSeconds(90), "the reader to see the new value");
            }
        }
        log("reads of the former leader's client: %s", compress(seen));
        return seen;
    }

    private static String read(ZooKeeper zk) {
        try {
            return new String(zk.getData("/reg", false, null), StandardCharsets.UTF_8);
        } catch (KeeperException e) {
            ProcessEnsemble.sleep(50);
            return e.code().name();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** "old x12, CONNECTIONLOSS x3, new x40": runs of equal results. */
    private static String compress(List<String> seen) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < seen.size(); ) {
            int j = i;
            while (j < seen.size() && seen.get(j).equals(seen.get(i))) {
                j++;
            }
            out.append(out.length() == 0 ? "" : ", ").append(seen.get(i)).append(" x").append(j - i);
            i = j;
        }
        return out.toString();
    }
}
