package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operation sequences over several sessions, run against ZooKeeper and Corral. A failure names the
 * seed; rerun one with {@code -Dcorral.diff.seed=N}, more with {@code -Dcorral.diff.seeds=N}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RandomDifferentialTest {
    private static final String[] PATHS = {"/r", "/r/a", "/r/b", "/r/a/x", "/r/a/y", "/r/b/x", "/r/a/x/z", "/r/q"};
    private static final CreateMode[] MODES = {CreateMode.PERSISTENT, CreateMode.EPHEMERAL,
        CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL};
    private static final int CLIENTS = 3;
    private static final int OPS = 160;

    @TempDir
    Path dir;

    /** True in the subclass that runs Corral as a three-node ensemble. */
    protected boolean ensemble;

    LongStream seeds() {
        String one = System.getProperty("corral.diff.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        int n = ensemble ? 3 : Integer.getInteger("corral.diff.seeds", 6);
        long base = Long.getLong("corral.diff.base", 1000);
        return LongStream.range(base, base + n);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sameAsZooKeeper(long seed) throws Exception {
        Path base = Files.createDirectories(dir.resolve("seed" + seed));
        List<String> expected;
        List<String> actual;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(base.resolve("ref")))) {
            expected = Differential.transcript(zk, CLIENTS, ensemble, ops -> script(seed, ops));
        }
        try (Servers.Target corral = ensemble
                ? Servers.corralEnsemble(Files.createDirectories(base.resolve("ensemble")))
                : Servers.corral(Files.createDirectories(base.resolve("ours")))) {
            actual = Differential.transcript(corral, CLIENTS, ensemble, ops -> script(seed, ops));
        }
        assertThat(String.join("\n", actual))
                .as("seed %d diverges from ZooKeeper at %s", seed, Differential.firstDivergence(expected, actual))
                .isEqualTo(String.join("\n", expected));
    }

    private static void script(long seed, Ops ops) throws Exception {
        Random random = new Random(seed);
        ops.create(0, "/r", "", CreateMode.PERSISTENT);
        ops.create(0, "/r/q", "", CreateMode.PERSISTENT);
        for (int i = 0; i < OPS; i++) {
            int c = random.nextInt(CLIENTS);
            String path = PATHS[random.nextInt(PATHS.length)];
            int roll = random.nextInt(100);
            boolean watch = random.nextBoolean();
            if (roll < 22) {
                ops.create(c, path, "d" + i, MODES[random.nextInt(MODES.length)]);
            } else if (roll < 30) {
                ops.create2(c, "/r/q/n", "q" + i, MODES[random.nextInt(MODES.length)]);
            } else if (roll < 40) {
                ops.delete(c, path, random.nextInt(4) - 1);
            } else if (roll < 45) {
                deleteFirstQueued(ops, c);
            } else if (roll < 57) {
                ops.setData(c, path, "s" + i, random.nextInt(4) - 1);
            } else if (roll < 65) {
                ops.exists(c, path, watch);
            } else if (roll < 73) {
                ops.getData(c, path, watch);
            } else if (roll < 81) {
                ops.getChildren2(c, path, watch);
            } else if (roll < 85) {
                ops.getChildren(c, path, watch);
            } else if (roll < 88) {
                ops.allChildrenNumber(c, path);
            } else if (roll < 96) {
                ops.events(c);
            } else {
                ops.reopen(c);
            }
        }
    }

    private static void deleteFirstQueued(Ops ops, int c) throws Exception {
        List<String> kids;
        ops.beforeDirectRead(c);
        try {
            kids = new ArrayList<>(ops.session(c).zk.getChildren("/r/q", false));
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            ops.note("c" + c + " queue gone");
            return;
        }
        kids.sort(null);
        ops.note("c" + c + " queue " + kids);
        if (!kids.isEmpty()) {
            ops.delete(c, "/r/q/" + kids.get(0), -1);
        }
    }
}
