package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static dev.corral.server.ensemble.process.ProcessEnsemble.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leadership transfer with real processes under write load: rqld on a follower makes it the leader, ydld on the
 * leader hands over to another member, and no acknowledged create is lost. The write pause (from the request to the
 * first acknowledged create issued after it) is printed as {@code [ensemble-times]}; it is not asserted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeadershipTransferProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void rqldAndYdldMoveLeadershipUnderLoadWithoutLosingAnAcknowledgedWrite(TestInfo info) throws Exception {
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            int leader = ensemble.startAll();
            try (ZooKeeper zk = ensemble.client(leader, 10_000, null)) {
                zk.create("/load", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            // A follower that would not win an ordinary election between equal histories: the lowest id.
            int target = leader == 1 ? 2 : 1;
            assertThat(ensemble.fourLetter(leader, "rqld")).isEqualTo("Sent leadership request to leader.\n");
            WriteLoad load = new WriteLoad(ensemble, "/load", 3, 16, 15_000).start();
            try {
                ensemble.await(() -> load.acknowledged.size() >= 300, LONG, "300 acknowledged creates");

                long asked = System.nanoTime();
                load.mark(asked);
                assertThat(ensemble.fourLetter(target, "rqld")).isEqualTo("Sent leadership request to leader.\n");
                ensemble.await(() -> "leader".equals(ensemble.mode(target)), LONG, "server " + target + " to lead");
                long ledMs = ms(asked);
                ensemble.await(() -> load.firstAckAfterMark() != Long.MAX_VALUE, LONG, "a create after rqld");
                long pauseMs = TimeUnit.NANOSECONDS.toMillis(load.firstAckAfterMark() - asked);
                times("rqld on server %d under load: it leads after %d ms; first create issued after the request"
                        + " acknowledged %d ms after it", target, ledMs, pauseMs);
                int acked = load.acknowledged.size();
                ensemble.await(() -> load.acknowledged.size() >= acked + 300, LONG, "300 creates after rqld");
                gaps("rqld", load.longestGaps(asked, ms(asked)), leader);

                // A follower has nothing to yield: done, as ClickHouse Keeper answers.
                assertThat(ensemble.fourLetter(leader, "ydld")).isEqualTo("Sent yield leadership request to leader.\n");
                long yielded = System.nanoTime();
                load.mark(yielded);
                assertThat(ensemble.fourLetter(target, "ydld")).isEqualTo("Sent yield leadership request to leader.\n");
                ensemble.await(() -> {
                    int l = ensemble.leader();
                    return l > 0 && l != target;
                }, LONG, "another server to lead after ydld");
                long yieldMs = ms(yielded);
                ensemble.await(() -> load.firstAckAfterMark() != Long.MAX_VALUE, LONG, "a create after ydld");
                long yieldPauseMs = TimeUnit.NANOSECONDS.toMillis(load.firstAckAfterMark() - yielded);
                times("ydld on leader %d under load: server %d leads after %d ms; first create issued after the"
                        + " request acknowledged %d ms after it", target, ensemble.leader(), yieldMs, yieldPauseMs);
                int acked2 = load.acknowledged.size();
                ensemble.await(() -> load.acknowledged.size() >= acked2 + 300, LONG, "300 creates after ydld");
                gaps("ydld", load.longestGaps(yielded, ms(yielded)), target);
            } finally {
                load.stop();
            }
            log("load: %d acknowledged, %d attempted, errors %s", load.acknowledged.size(), load.attempted.size(),
                    load.errors);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            Set<String> present = tree.keySet().stream().filter(p -> p.startsWith("/load/"))
                    .collect(Collectors.toSet());
            assertThat(load.acknowledged).as("acknowledged creates missing").isSubsetOf(present);
            assertThat(present).as("nodes nobody created").isSubsetOf(load.attempted);
        }
    }

    /**
     * The write pause as clients see it: the longest time without an acknowledged create from the request until 300
     * more were acknowledged, over all writers and per writer (a writer on a member that kept its connection resumes
     * sooner). Writer w starts on server w + 1; after a connection loss it moves to the next server.
     */
    private static void gaps(String word, long[] gaps, int oldLeader) {
        StringBuilder per = new StringBuilder();
        for (int w = 1; w < gaps.length; w++) {
            per.append(w == 1 ? "" : ", ").append("writer ").append(w - 1).append(": ").append(gaps[w]).append(" ms");
        }
        times("%s (old leader %d): longest time without an acknowledged create until 300 more were: %d ms (%s)",
                word, oldLeader, gaps[0], per);
    }

    private static void times(String format, Object... args) {
        System.out.printf("[ensemble-times] %s%n", String.format(format, args));
    }
}
