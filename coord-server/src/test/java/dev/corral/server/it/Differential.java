package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs one scenario against a real ZooKeeper and against Corral and demands identical transcripts. */
final class Differential {
    interface Scenario {
        void run(Ops ops) throws Exception;
    }

    private Differential() {
    }

    static List<String> transcript(Servers.Target target, int clients, Scenario scenario) throws Exception {
        return transcript(target, clients, false, scenario);
    }

    static List<String> transcript(Servers.Target target, int clients, boolean syncBeforeReads, Scenario scenario)
            throws Exception {
        try (Ops ops = new Ops(target.connectString(), clients)) {
            ops.syncBeforeReads = syncBeforeReads;
            scenario.run(ops);
            ops.allEvents();
            return ops.transcript.normalized();
        }
    }

    static void compare(Path dir, int clients, Scenario scenario) throws Exception {
        compare(dir, clients, c -> c, scenario);
    }

    static void compare(Path dir, int clients, java.util.function.UnaryOperator<dev.corral.server.config.ServerConfig> tweak,
                        Scenario scenario) throws Exception {
        List<String> expected;
        List<String> actual;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")))) {
            expected = transcript(zk, clients, scenario);
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("ours")), tweak)) {
            actual = transcript(corral, clients, scenario);
        }
        assertThat(String.join("\n", actual))
                .as("first divergence from ZooKeeper: %s", firstDivergence(expected, actual))
                .isEqualTo(String.join("\n", expected));
    }

    /**
     * The same scenario against one ZooKeeper and against a three-node Corral ensemble, clients spread over its
     * servers; both sides sync before reads, so that results do not depend on which server a client landed on.
     */
    static void compareWithEnsemble(Path dir, int clients, Scenario scenario) throws Exception {
        compareWithEnsemble(dir, clients, c -> c, scenario);
    }

    static void compareWithEnsemble(Path dir, int clients,
                                    java.util.function.UnaryOperator<dev.corral.server.config.ServerConfig> tweak,
                                    Scenario scenario) throws Exception {
        List<String> expected;
        List<String> actual;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")))) {
            expected = transcript(zk, clients, true, scenario);
        }
        try (Servers.Target corral = Servers.corralEnsemble(Files.createDirectories(dir.resolve("ensemble")), tweak)) {
            actual = transcript(corral, clients, true, scenario);
        }
        assertThat(String.join("\n", actual))
                .as("first divergence from ZooKeeper: %s", firstDivergence(expected, actual))
                .isEqualTo(String.join("\n", expected));
    }

    /** The first line where two transcripts differ, for messages. */
    static String firstDivergence(List<String> expected, List<String> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "line " + i + ":\n  zookeeper: " + expected.get(i) + "\n  corral:    " + actual.get(i);
            }
        }
        return expected.size() == actual.size() ? null : "length differs: " + expected.size() + " vs " + actual.size();
    }
}
