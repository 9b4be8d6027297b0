package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.clients.ChildProcess;
import dev.corral.server.clients.ZkCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic reconfiguration's observable surface (issue 18), side by side with Apache ZooKeeper 3.9.5's QuorumPeerMain
 * on the same zoo.cfg files: {@code /zookeeper/config} (content, Stat, ACL, a watch on it) as getConfig and zkCli
 * {@code config} show it, the files next to zoo.cfg, and the errors that {@code ZooKeeperAdmin.reconfigure} and zkCli
 * {@code reconfig} get (disabled, no permission, bad version, bad arguments, no quorum in the new config). Ports are
 * replaced by names before the two lists are compared, since each side runs on its own free ports.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReconfigSurfaceProcessTest {
    private static final String SUPER = "super:reconfig-test";

    @TempDir
    Path dir;

    @Test
    void reconfigEnabledSideBySideWithZooKeeper(TestInfo info) throws Exception {
        sideBySide(info, true);
    }

    @Test
    void reconfigDisabledSideBySideWithZooKeeper(TestInfo info) throws Exception {
        sideBySide(info, false);
    }

    private void sideBySide(TestInfo info, boolean enabled) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        String only = System.getProperty("reconfig.only", "");
        List<String> corral = List.of();
        List<String> zookeeper = List.of();
        if (!only.equals("zookeeper")) {
            try (ProcessEnsemble ensemble = new ProcessEnsemble(dir.resolve("corral"), name, List.of(), 3, 0)) {
                corral = surface(ensemble, enabled);
            }
        }
        if (!only.equals("corral")) {
            try (ProcessEnsemble ensemble = ProcessEnsemble.zookeeper(dir.resolve("zk"), name + "-zookeeper", 3, 0)) {
                zookeeper = surface(ensemble, enabled);
            }
        }
        ProcessEnsemble.log("corral:    %s", String.join("\n", corral));
        ProcessEnsemble.log("zookeeper: %s", String.join("\n", zookeeper));
        if (only.isEmpty()) {
            assertThat(corral).isEqualTo(zookeeper);
        }
    }

    /** What the clients see on one side, with ports named. */
    private static List<String> surface(ProcessEnsemble e, boolean enabled) throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest(SUPER);
        for (int id = 1; id <= 3; id++) {
            e.configure(id, Map.of("reconfigEnabled", Boolean.toString(enabled),
                    "DigestAuthenticationProvider.superDigest", digest));
        }
        int leader = e.startAll();
        int follower = leader % 3 + 1;
        List<String> seen = new ArrayList<>();
        Names names = new Names(e);
        String version = null;
        for (int id : new int[] {leader, follower, 6 - leader - follower}) { // leader first: ids differ by side
            try (ZooKeeperAdmin zk = e.admin(id)) {
                Stat stat = new Stat();
                String config = new String(zk.getConfig(false, stat), StandardCharsets.UTF_8);
                version = config.substring(config.lastIndexOf("version=") + "version=".length());
                seen.add("config at " + (id == leader ? "leader" : "follower") + ": " + names.of(config));
                seen.add("stat: version=" + stat.getVersion() + " aversion=" + stat.getAversion() + " cversion="
                        + stat.getCversion() + " dataLength=" + (stat.getDataLength() == config.length())
                        + " mzxid is the config version=" + (Long.toHexString(stat.getMzxid()).equals(version))
                        + " czxid=" + stat.getCzxid() + " owner=" + stat.getEphemeralOwner());
                seen.add("acl: " + zk.getACL("/zookeeper/config", new Stat()));
            }
        }
        seen.add("files: " + files(e, follower, names));
        try (ZooKeeperAdmin zk = e.admin(follower)) {
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            zk.getConfig(ev -> events.add(ev.getType() + " " + ev.getPath()), new Stat());
            seen.add("watch set");
            long cur = Long.parseLong(version, 16);
            seen.add("remove 3, no auth: " + reconfig(zk, null, "3", null, -1));
            seen.add("remove 3, no auth, old version: " + reconfig(zk, null, "3", null, cur + 1));
            zk.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
            seen.add("remove 3, bad version: " + reconfig(zk, null, "3", null, cur + 1));
            seen.add("remove 2 and 3: " + reconfig(zk, null, "2,3", null, -1));
            seen.add("join with one port: " + reconfig(zk, "server.4=127.0.0.1:1234", null, null, -1));
            int[] p = {ChildProcess.freePort(), ChildProcess.freePort(), ChildProcess.freePort(),
                    ChildProcess.freePort(), ChildProcess.freePort(), ChildProcess.freePort()};
            String four = "server.4=127.0.0.1:" + p[0] + ":" + p[1] + ":participant;127.0.0.1:" + p[2];
            String five = "server.5=127.0.0.1:" + p[3] + ":" + p[4] + ":participant;127.0.0.1:" + p[5];
            seen.add("join 4 and 5 (down), remove 1: " + reconfig(zk, four + "," + five, "1", null, -1));
            seen.add("members 1,4,5: " + reconfig(zk, null, null,
                    names.line(1) + "," + four + "," + five, -1));
            seen.add("watch events: " + events.poll(300, TimeUnit.MILLISECONDS));
        }
        // A restarted member reads its configuration back (from the dynamic file once there is one).
        e.restart(follower);
        e.awaitStable(java.time.Duration.ofSeconds(60));
        try (ZooKeeperAdmin zk = e.admin(follower)) {
            seen.add("after restart: " + names.of(new String(zk.getConfig(false, new Stat()), StandardCharsets.UTF_8)));
        }
        seen.add("files after restart: " + files(e, follower, names));
        List<String> cli = ZkCli.run(e.connectString(follower), List.of("config", "reconfig -remove 3",
                "addauth digest " + SUPER, "reconfig -remove 3 -v 1", "reconfig -remove 2,3",
                "reconfig -add server.4=127.0.0.1:1234",
                "ls /zookeeper")); // zkCli's exit code is its last command's
        for (String line : cli) {
            seen.add("zkCli: " + names.of(line));
        }
        // At the leader, with a member down: a new configuration of the leader and the down member has no synced
        // quorum (the leader counts who is synced with it).
        e.kill(6 - leader - follower);
        // Once the leader has let the dead member go (ZooKeeper: when its socket closes; Corral: the same, or
        // syncLimit): mntr counts one synced follower.
        e.await(() -> String.valueOf(e.fourLetter(leader, "mntr")).contains("zk_synced_followers\t1"),
                java.time.Duration.ofSeconds(30), "the leader to count one synced follower");
        try (ZooKeeperAdmin zk = e.admin(leader)) {
            zk.addAuthInfo("digest", SUPER.getBytes(StandardCharsets.UTF_8));
            seen.add("at the leader, one member down, remove the live follower: "
                    + reconfig(zk, null, Integer.toString(follower), null, -1));
            // The config node is an ordinary data node to a watch: getConfig's watch fires on a change (here the
            // super user's setData of the same bytes, the one change a client can make without a reconfig).
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            byte[] data = zk.getConfig(ev -> events.add(ev.getType() + " " + ev.getPath()), new Stat());
            Stat after = zk.setData("/zookeeper/config", data, -1);
            seen.add("super setData: version " + after.getVersion() + ", watch: " + events.poll(10, TimeUnit.SECONDS));
        }
        return seen;
    }

    private static String reconfig(ZooKeeperAdmin zk, String joining, String leaving, String members, long from)
            throws InterruptedException {
        try {
            byte[] config = zk.reconfigure(joining, leaving, members, from, new Stat());
            return "ok " + new String(config, StandardCharsets.UTF_8);
        } catch (KeeperException ex) {
            return ex.code().name();
        }
    }

    /** The names of the files next to a server's zoo.cfg, and its zoo.cfg's server and dynamic lines. */
    private static String files(ProcessEnsemble e, int id, Names names) throws Exception {
        Path home = e.dataDir(id).getParent();
        List<String> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(home)) {
            list.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("zoo.cfg")).sorted()
                    .forEach(f -> out.add(f.replaceAll("\\.[0-9a-f]+$", ".<hex>")));
        }
        // ZooKeeper writes the rewritten zoo.cfg in hash order: compare the lines as a set.
        List<String> cfg = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("zoo.cfg"))) {
            if (line.startsWith("server.") || line.startsWith("dynamicConfigFile") || line.startsWith("clientPort=")
                    || line.startsWith("reconfigEnabled")) {
                cfg.add(names.of(line.replace(home.toRealPath().toString(), "<home>")
                        .replaceAll("\\.[0-9a-f]+$", ".<hex>").replaceAll("^clientPort=\\d+", "clientPort=C")));
            }
        }
        cfg.sort(null);
        out.addAll(cfg);
        try (Stream<Path> list = Files.list(home)) {
            for (Path f : list.filter(f -> f.getFileName().toString().startsWith("zoo.cfg.dynamic.")).toList()) {
                out.add("dynamic: " + names.of(Files.readString(f)));
            }
        }
        return String.join(" | ", out);
    }

    /** Replaces the ensemble's ports by names (Q1, C1, E for election ports). */
    private record Names(ProcessEnsemble e) {
        String of(String text) {
            String t = text;
            for (int id = 1; id <= 3; id++) {
                t = t.replace(":" + e.quorumPort(id) + ":", ":Q" + id + ":").replace(":" + e.clientPort(id), ":C" + id);
            }
            return t.replaceAll(":Q(\\d):\\d+", ":Q$1:E").replace("\n", "\\n");
        }

        /** Server {@code id}'s line as a reconfig -members argument. */
        String line(int id) {
            return "server." + id + "=127.0.0.1:" + e.quorumPort(id) + ":" + e.electionPort(id)
                    + ":participant;127.0.0.1:" + e.clientPort(id);
        }
    }
}
