package dev.corral.server.ensemble.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skipACL=yes}, ZooKeeper's switch that turns every ACL check off: a client with no credentials reads, writes,
 * lists and deletes under a node only another digest user may touch, and reconfigures the ensemble (ZooKeeper's rule
 * for reconfig is WRITE on {@code /zookeeper/config}, "so super or skipACL=yes"). Three Corral members and three
 * ZooKeeper 3.9.5 QuorumPeerMain processes on the same zoo.cfg files must answer alike.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SkipAclProcessTest {
    @TempDir
    Path dir;

    @Test
    void noCredentialsNeededWithSkipAclSideBySideWithZooKeeper(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        List<String> corral;
        List<String> zookeeper;
        try (ProcessEnsemble e = new ProcessEnsemble(dir.resolve("corral"), name)) {
            corral = run(e);
        }
        try (ProcessEnsemble e = ProcessEnsemble.zookeeper(dir.resolve("zk"), name + "-zookeeper", 3, 0)) {
            zookeeper = run(e);
        }
        ProcessEnsemble.log("corral:\n  %s", String.join("\n  ", corral));
        ProcessEnsemble.log("zookeeper:\n  %s", String.join("\n  ", zookeeper));
        assertThat(corral).isEqualTo(zookeeper);
        assertThat(corral).as("what a client without credentials did").allMatch(s -> s.endsWith(": ok"));
    }

    private static List<String> run(ProcessEnsemble e) throws Exception {
        for (int id = 1; id <= 3; id++) {
            e.configure(id, Map.of("reconfigEnabled", "true", "skipACL", "yes"));
        }
        int leader = e.startAll();
        int follower = leader == 1 ? 2 : 1;
        List<String> seen = new ArrayList<>();
        // A mutable list: the stock client asks it whether it contains null, which List.of answers with an NPE.
        List<ACL> bobOnly = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", DigestAuthenticationProvider.generateDigest("bob:pw")))));
        try (ZooKeeper anon = e.client(follower, 10_000, null)) {
            seen.add("create with bob's ACL: " + outcome(() -> anon.create("/bob", "b".getBytes(StandardCharsets.UTF_8),
                    bobOnly, CreateMode.PERSISTENT)));
            seen.add("getData: " + outcome(() -> anon.getData("/bob", false, null)));
            seen.add("setData: " + outcome(() -> anon.setData("/bob", "x".getBytes(StandardCharsets.UTF_8), -1)));
            seen.add("create a child: " + outcome(() -> anon.create("/bob/c", null, bobOnly, CreateMode.PERSISTENT)));
            seen.add("getChildren: " + outcome(() -> anon.getChildren("/bob", false)));
            seen.add("setACL: " + outcome(() -> anon.setACL("/bob/c", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1)));
            seen.add("delete the child: " + outcome(() -> {
                anon.delete("/bob/c", -1);
                return null;
            }));
        }
        try (ZooKeeperAdmin admin = e.admin(follower)) {
            seen.add("reconfig without super, remove the other follower: " + outcome(() ->
                    admin.reconfigure(null, Integer.toString(6 - leader - follower), null, -1, new Stat())));
        }
        return seen;
    }

    private interface Call {
        Object call() throws Exception;
    }

    private static String outcome(Call c) throws Exception {
        try {
            c.call();
            return "ok";
        } catch (KeeperException ex) {
            return ex.code().name();
        }
    }
}
