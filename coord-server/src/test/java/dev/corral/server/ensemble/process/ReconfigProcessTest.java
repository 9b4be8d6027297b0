package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import dev.corral.server.clients.ZkCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes by reconfig (issue 18), Corral side by side with Apache ZooKeeper 3.9.5's QuorumPeerMain on the
 * same zoo.cfg files: three servers grow to five under a write load (two joiners from empty data directories,
 * {@code ZooKeeperAdmin.reconfigure} with joiningServers), two concurrent reconfigs with the same curConfigId, a shrink
 * to three, the leader removed, and zkCli {@code reconfig -add}. The configurations ({@code /zookeeper/config} on
 * every member, servers named by role, versions normalised), the error codes and the files are compared between the
 * two; on each side every acknowledged create must be on every remaining member, and the longest write pause during
 * the grow and during the leader's removal is printed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReconfigProcessTest {
    private static final String SUPER = "super:reconfig-test";

    @TempDir
    Path dir;

    @Test
    void growShrinkAndRemoveTheLeaderSideBySideWithZooKeeper(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        String only = System.getProperty("reconfig.only", "");
        List<String> corral = List.of();
        List<String> zookeeper = List.of();
        if (!only.equals("zookeeper")) {
            try (ProcessEnsemble e = new ProcessEnsemble(dir.resolve("corral"), name, List.of(), 5, 0, 3)) {
                corral = changes(e, "corral");
            }
        }
        if (!only.equals("corral")) {
            try (ProcessEnsemble e = ProcessEnsemble.zookeeper(dir.resolve("zk"), name + "-zookeeper", 5, 0, 3)) {
                zookeeper = changes(e, "zookeeper");
            }
        }
        ProcessEnsemble.log("corral:\n  %s", String.join("\n  ", corral));
        ProcessEnsemble.log("zookeeper:\n  %s", String.join("\n  ", zookeeper));
        if (only.isEmpty()) {
            assertThat(corral).isEqualTo(zookeeper);
        }
    }

    /**
     * A member replaced in one request (joining J4, leaving F2), then J4 made an observer and a voter again (an
     * incremental add of an id already in the configuration replaces its line), and a client of the removed F2 given
     * the new connect string with {@code updateServerList}: it must move to a member of the new list and write there.
     */
    @Test
    void replaceAMemberAndChangeARoleSideBySideWithZooKeeper(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        List<String> corral;
        List<String> zookeeper;
        try (ProcessEnsemble e = new ProcessEnsemble(dir.resolve("corral-replace"), name, List.of(), 5, 0, 3)) {
            corral = replacement(e, "corral");
        }
        try (ProcessEnsemble e = ProcessEnsemble.zookeeper(dir.resolve("zk-replace"), name + "-zookeeper", 5, 0, 3)) {
            zookeeper = replacement(e, "zookeeper");
        }
        ProcessEnsemble.log("corral:\n  %s", String.join("\n  ", corral));
        ProcessEnsemble.log("zookeeper:\n  %s", String.join("\n  ", zookeeper));
        assertThat(corral).isEqualTo(zookeeper);
    }

    private static List<String> replacement(ProcessEnsemble e, String side) throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest(SUPER);
        for (int id = 1; id <= 4; id++) {
            e.configure(id, Map.of("reconfigEnabled", "true", "DigestAuthenticationProvider.superDigest", digest));
        }
        for (int id = 1; id <= 3; id++) {
            e.start(id);
        }
        int leader = e.awaitStable(Duration.ofSeconds(60));
        int f1 = leader == 1 ? 2 : 1;
        int f2 = 6 - leader - f1;
        Names names = new Names(e, Map.of(leader, "L", f1, "F1", f2, "F2", 4, "J4"));
        List<String> seen = new ArrayList<>();
        try (ZooKeeper setup = e.client(leader, 10_000, null)) {
            setup.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        List<ZooKeeper> writers = new ArrayList<>();
        for (int id : new int[] {leader, f1}) {
            writers.add(e.clientPreferring(id, 10_000, null));
        }
        // A stock client of F2 alone, with ZooKeeper's own host provider (the one updateServerList rebalances).
        ZooKeeper ofF2 = ProcessEnsemble.connected(e.connectString(f2));
        WriteLoad load = new WriteLoad(writers, "/load", 8, true).start();
        try {
            e.start(4);
            ProcessEnsemble.sleep(1500);
            seen.add("replace F2 by J4: " + names.of(reconfig(e, f1, names.line(4), Integer.toString(f2), null, -1)));
            seen.add("config on L, F1, J4: " + names.of(sameConfigEverywhere(e, List.of(leader, f1, 4))));
            String observer = names.line(4).replace(":participant;", ":observer;");
            seen.add("J4 an observer: " + names.of(reconfig(e, leader, observer, null, null, -1)));
            seen.add("config: " + names.of(sameConfigEverywhere(e, List.of(leader, f1, 4))));
            e.await(() -> "observer".equals(e.mode(4)), Duration.ofSeconds(30), "server 4 to observe");
            seen.add("J4 a voter again: " + names.of(reconfig(e, f1, names.line(4), null, null, -1)));
            seen.add("config: " + names.of(sameConfigEverywhere(e, List.of(leader, f1, 4))));
            e.await(() -> "follower".equals(e.mode(4)), Duration.ofSeconds(30), "server 4 to follow");
            seen.add("modes of L, F1, J4: " + List.of(e.mode(leader), e.mode(f1), e.mode(4)));

            String newList = e.connectString(leader) + "," + e.connectString(f1) + "," + e.connectString(4);
            ofF2.updateServerList(newList);
            e.await(() -> ofF2.getState().isConnected() && serverPort(ofF2) > 0
                    && serverPort(ofF2) != e.clientPort(f2), Duration.ofSeconds(30), "F2's client to move");
            Stat stat = new Stat();
            ofF2.create("/load/after-move", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, stat);
            int now = serverPort(ofF2);
            seen.add("F2's client after updateServerList: on a new-list member "
                    + List.of(e.clientPort(leader), e.clientPort(f1), e.clientPort(4)).contains(now)
                    + ", its write acknowledged");
            load.stop();
            assertThat(load.acknowledged).as("acknowledged creates").isNotEmpty();
            for (int id : new int[] {leader, f1, 4}) {
                try (ZooKeeper zk = e.client(id, 10_000, null)) {
                    zk.sync("/load", (rc, p, c) -> { }, null);
                    Set<String> present = new HashSet<>();
                    zk.getChildren("/load", false).forEach(c -> present.add("/load/" + c));
                    Set<String> lost = new HashSet<>(load.acknowledged);
                    lost.removeAll(present);
                    assertThat(lost).as("%s: acknowledged creates missing on server %d", side, id).isEmpty();
                }
            }
        } finally {
            load.close();
            ofF2.close();
        }
        // zkCli: the bulk form (-members: the same three, each with its client address now), config, -remove.
        String three = names.line(leader) + "," + names.line(f1) + "," + names.line(4);
        // One block per configuration printed, so that Names sorts its server lines (ids differ between the sides).
        StringBuilder block = new StringBuilder();
        for (String line : ZkCli.run(e.connectString(f1), List.of("addauth digest " + SUPER,
                "reconfig -members " + three, "config", "reconfig -remove 4", "config"))) {
            block.append(line).append('\n');
            if (line.startsWith("version=")) {
                seen.add("zkCli: " + names.of(block.toString().trim()));
                block.setLength(0);
            }
        }
        seen.add("zkCli, the rest: " + names.of(block.toString().trim()));
        return seen;
    }

    /**
     * The client port of the server a stock client is connected to (its toString names the remote address), or -1
     * while it has none.
     */
    private static int serverPort(ZooKeeper zk) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("remoteserver:\\S*:(\\d+)")
                .matcher(zk.toString());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The sequence on one side; returns what the clients saw, with servers named by role and versions as V. */
    private static List<String> changes(ProcessEnsemble e, String side) throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest(SUPER);
        for (int id = 1; id <= 5; id++) {
            e.configure(id, Map.of("reconfigEnabled", "true", "DigestAuthenticationProvider.superDigest", digest));
        }
        for (int id = 1; id <= 3; id++) {
            e.start(id);
        }
        int leader = e.awaitStable(Duration.ofSeconds(60));
        int f1 = leader == 1 ? 2 : 1;
        int f2 = 6 - leader - f1;
        Names names = new Names(e, Map.of(leader, "L", f1, "F1", f2, "F2", 4, "J4", 5, "J5", 6, "X6"));
        List<String> seen = new ArrayList<>();

        try (ZooKeeper setup = e.client(leader, 10_000, null)) {
            setup.create("/load", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        List<ZooKeeper> writers = new ArrayList<>();
        for (int id : new int[] {leader, f1, f2}) {
            writers.add(e.clientPreferring(id, 10_000, null));
        }
        WriteLoad load = new WriteLoad(writers, "/load", 20, true).start();
        try {
            // Two servers from empty data directories, their zoo.cfg the current members plus themselves.
            e.start(4);
            e.start(5);
            ProcessEnsemble.sleep(1500);
            long growAt = System.nanoTime();
            seen.add("grow 3 -> 5: " + names.of(reconfig(e, f1, names.line(4) + "," + names.line(5), null, null,
                    -1)));
            long grown = System.nanoTime();
            String config = sameConfigEverywhere(e, List.of(leader, f1, f2, 4, 5));
            seen.add("config on all five: " + names.of(config));
            e.await(() -> List.of(leader, f1, f2, 4, 5).stream().allMatch(id -> e.serves(id)),
                    Duration.ofSeconds(30), "all five to serve");
            long v1 = version(config);

            // Two reconfigs with the same curConfigId at once: one wins.
            String[] outcomes = new String[2];
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> racers = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int slot = k;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        outcomes[slot] = reconfig(e, 4 + slot, null, Integer.toString(f1), null, v1);
                    } catch (Exception ex) {
                        outcomes[slot] = ex.toString();
                    }
                });
                t.start();
                racers.add(t);
            }
            go.countDown();
            for (Thread t : racers) {
                t.join(60_000);
            }
            String[] sorted = Arrays.stream(outcomes).map(names::of).sorted().toArray(String[]::new);
            ProcessEnsemble.log("%s: two at once: %s", side, String.join(" / ", sorted));
            // Which refusal the loser gets depends on timing, on either side: BadVersion once the winner has
            // committed, ReconfigInProgress while it is pending (ZooKeeper checks the two in that order, and answered
            // each in different runs).
            seen.add("two at once with curConfigId=V, remove F1: " + String.join(" / ", Arrays.stream(sorted)
                    .map(o -> o.equals("BADVERSION") || o.equals("RECONFIGINPROGRESS") ? "refused" : o).toList()));
            seen.add("stale curConfigId: " + names.of(reconfig(e, 4, null, Integer.toString(f2), null, v1)));
            seen.add("shrink to 3, remove F2: " + names.of(reconfig(e, 4, null, Integer.toString(f2), null, -1)));
            seen.add("config on the three: " + names.of(sameConfigEverywhere(e, List.of(leader, 4, 5))));
            for (int id : new int[] {f1, f2}) {
                // ZooKeeper's removed servers keep running, and may go on serving as non-voting learners; Corral's
                // stop serving (docs/ensemble.md): not compared.
                int removed = id;
                if (side.equals("corral")) {
                    e.await(() -> !e.serves(removed) && String.valueOf(mntrState(e, removed)).contains("removed"),
                            Duration.ofSeconds(30), "removed server " + id + " to stop serving");
                }
                ProcessEnsemble.log("%s: removed server %d: srvr mode %s, mntr state %s", side, id, e.mode(id),
                        mntrState(e, id));
            }

            long removeAt = System.nanoTime();
            String removal = reconfig(e, 4, null, Integer.toString(leader), null, -1);
            long removed = System.nanoTime();
            ProcessEnsemble.log("%s: remove the leader: %s", side, removal);
            // ZooKeeper may drop the asking client's connection in the leader change before it answers (its members
            // restart leader election): the outcome is the configuration checked next.
            seen.add("remove the leader: " + (removal.equals("CONNECTIONLOSS") ? "answered or connection lost"
                    : removal.startsWith("ok") ? "answered or connection lost" : removal));
            seen.add("config on the two: " + names.of(sameConfigEverywhere(e, List.of(4, 5))));
            e.await(() -> e.serves(4) && e.serves(5) && ("leader".equals(e.mode(4)) || "leader".equals(e.mode(5))),
                    Duration.ofSeconds(30), "4 or 5 to lead");
            seen.add("modes of J4, J5: " + List.of(e.mode(4), e.mode(5)).stream().sorted().toList());
            ProcessEnsemble.sleep(1500); // writes go on after the hand-over
            load.stop();
            long[] growPause = load.longestGaps(growAt, ms(growAt, grown) + 1000);
            long[] leaderPause = load.longestGaps(removeAt, ms(removeAt, removed) + 1000);
            ProcessEnsemble.log("%s: write pause during the grow 3 -> 5: %d ms (reconfig took %d ms); during the "
                    + "leader's removal: %d ms (reconfig took %d ms)", side, growPause[0], ms(growAt, grown),
                    leaderPause[0], ms(removeAt, removed));
            System.out.printf("RECONFIG-PAUSE %s grow=%dms removeLeader=%dms%n", side, growPause[0], leaderPause[0]);
            assertThat(load.acknowledged).as("acknowledged creates").isNotEmpty();
            for (int id : new int[] {4, 5}) {
                try (ZooKeeper zk = e.client(id, 10_000, null)) {
                    zk.sync("/load", (rc, p, c) -> { }, null);
                    Set<String> present = new HashSet<>();
                    zk.getChildren("/load", false).forEach(c -> present.add("/load/" + c));
                    Set<String> lost = new HashSet<>(load.acknowledged);
                    lost.removeAll(present);
                    assertThat(lost).as("%s: acknowledged creates missing on server %d", side, id).isEmpty();
                }
            }
        } finally {
            load.close();
        }
        seen.add("files on J5: " + files(e, 5, names));
        // A restart runs with the configuration of the dynamic file the reconfigs wrote.
        e.restart(5);
        e.await(() -> e.serves(4) && e.serves(5), Duration.ofSeconds(60), "4 and 5 to serve after 5's restart");
        seen.add("config after J5's restart: " + names.of(sameConfigEverywhere(e, List.of(4, 5))));

        // zkCli's reconfig -add: a third voter that is not running (two of three are synced).
        String six = "server.6=127.0.0.1:" + ChildProcess.freePort() + ":" + ChildProcess.freePort()
                + ":participant;127.0.0.1:" + ChildProcess.freePort();
        names.port6(six);
        for (String line : ZkCli.run(e.connectString(4), List.of("addauth digest " + SUPER, "reconfig -add " + six))) {
            seen.add("zkCli: " + names.of(line));
        }
        return seen;
    }

    /** Waits until every server in {@code ids} shows the same {@code /zookeeper/config}; returns it. */
    private static String sameConfigEverywhere(ProcessEnsemble e, List<Integer> ids) {
        Map<Integer, String> configs = new LinkedHashMap<>();
        e.await(() -> {
            configs.clear();
            for (int id : ids) {
                try (ZooKeeperAdmin zk = e.admin(id)) {
                    zk.sync("/zookeeper/config", (rc, p, c) -> { }, null);
                    configs.put(id, new String(zk.getConfig(false, new Stat()), StandardCharsets.UTF_8));
                } catch (Exception ex) {
                    configs.put(id, ex.toString());
                }
            }
            return new HashSet<>(configs.values()).size() == 1;
        }, Duration.ofSeconds(30), "the same /zookeeper/config on " + ids + ": " + configs);
        return configs.values().iterator().next();
    }

    private static String mntrState(ProcessEnsemble e, int id) {
        String mntr = e.fourLetter(id, "mntr");
        if (mntr == null) {
            return null;
        }
        return mntr.lines().filter(l -> l.startsWith("zk_server_state")).map(l -> l.split("\t")[1]).findFirst()
                .orElse(mntr.trim());
    }

    private static long version(String config) {
        return Long.parseLong(config.substring(config.lastIndexOf("version=") + "version=".length()).trim(), 16);
    }

    private static long ms(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    /** A reconfig as the super user through server {@code via}: "ok <new config>" or the error code's name. */
    private static String reconfig(ProcessEnsemble e, int via, String joining, String leaving, String members,
                                   long from) throws Exception {
        try (ZooKeeperAdmin zk = e.admin(via)) {
            zk.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
            byte[] config = zk.reconfigure(joining, leaving, members, from, new Stat());
            return "ok\n" + new String(config, StandardCharsets.UTF_8);
        } catch (KeeperException ex) {
            return ex.code().name();
        }
    }

    /** The files beside a server's zoo.cfg, and the dynamic file's lines. */
    private static String files(ProcessEnsemble e, int id, Names names) throws Exception {
        Path home = e.dataDir(id).getParent();
        List<String> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(home)) {
            list.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("zoo.cfg")).sorted()
                    .forEach(out::add);
        }
        String pointer = Files.readAllLines(home.resolve("zoo.cfg")).stream()
                .filter(l -> l.startsWith("dynamicConfigFile=")).findFirst().orElse("none");
        Path dynamic = Path.of(pointer.substring(pointer.indexOf('=') + 1));
        out.add("zoo.cfg points at the newest: " + (Files.isRegularFile(dynamic)
                && out.stream().filter(f -> f.startsWith("zoo.cfg.dynamic.")).map(f -> Long.parseLong(
                        f.substring("zoo.cfg.dynamic.".length()), 16)).max(Long::compare).map(Long::toHexString)
                        .map(v -> dynamic.getFileName().toString().endsWith("." + v)).orElse(false)));
        out.add("its lines: " + (Files.isRegularFile(dynamic) ? names.of(Files.readString(dynamic)) : "none"));
        // Which files there are differs in count (ZooKeeper keeps each, Corral too): name only the kinds.
        List<String> kinds = out.stream().map(f -> f.replaceAll("\\.[0-9a-f]+$", ".<hex>")).distinct().toList();
        return String.join(" | ", kinds);
    }

    /** Replaces server ids and ports by role names (L, F1, F2, J4, J5, X6) and versions by V; lines sorted. */
    private static final class Names {
        private final ProcessEnsemble e;
        private final Map<Integer, String> roles;
        private String six;

        Names(ProcessEnsemble e, Map<Integer, String> roles) {
            this.e = e;
            this.roles = roles;
        }

        void port6(String line) {
            six = line;
        }

        String of(String text) {
            if (text == null) {
                return "null";
            }
            String t = text;
            if (six != null) {
                String[] p = six.split("[=:;]");
                t = t.replace(":" + p[2] + ":" + p[3] + ":", ":Q6:E:").replace(":" + p[6], ":C6");
            }
            for (int id = 1; id <= 5; id++) {
                t = t.replace(":" + e.quorumPort(id) + ":" + e.electionPort(id) + ":", ":Q" + id + ":E:")
                        .replace(":" + e.clientPort(id), ":C" + id);
            }
            List<String> lines = new ArrayList<>();
            for (String line : t.split("\n")) {
                String l = line.replaceAll("version=[0-9a-f]+", "version=V");
                for (Map.Entry<Integer, String> r : roles.entrySet()) {
                    l = l.replace("server." + r.getKey() + "=", "server." + r.getValue() + "=")
                            .replace(":Q" + r.getKey() + ":", ":Q" + r.getValue() + ":")
                            .replace(":C" + r.getKey(), ":C" + r.getValue());
                }
                lines.add(l);
            }
            // Ids differ between the sides (who leads): sort the server lines of a config by their role names.
            List<String> servers = lines.stream().filter(l -> l.startsWith("server.")).sorted().toList();
            List<String> out = new ArrayList<>();
            int next = 0;
            for (String l : lines) {
                out.add(l.startsWith("server.") ? servers.get(next++) : l);
            }
            return String.join("\\n", out);
        }

        /** Server {@code id}'s line as a joining server. */
        String line(int id) {
            return "server." + id + "=127.0.0.1:" + e.quorumPort(id) + ":" + e.electionPort(id)
                    + ":participant;127.0.0.1:" + e.clientPort(id);
        }
    }
}
