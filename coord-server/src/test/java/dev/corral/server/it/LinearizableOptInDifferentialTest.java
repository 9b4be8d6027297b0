package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ClientInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linearizable-reads opt-in, {@code addAuthInfo("corral", "linearizable")}, as a stock client sees it on both
 * servers. ZooKeeper 3.9.5 has no {@code corral} auth provider: it answers AUTHFAILED and closes the connection, so
 * the session is in AuthFailed and every later request fails with AuthFailedException (code in the report). Corral
 * answers OK, gives the session no identity (whoAmI and ACLs unchanged), and answers an unknown value as ZooKeeper
 * answers any bad auth: AUTHFAILED.
 */
class LinearizableOptInDifferentialTest {
    @TempDir
    Path dir;

    /** What the session saw after the auth: the getData outcome, whoAmI's schemes, an auth-ACL create. */
    private record Outcome(String afterAuth, List<String> whoAmI, String authAclCreate, boolean authFailedEvent) {}

    private static Outcome optIn(String connect, String value) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        CountDownLatch authFailed = new CountDownLatch(1);
        Watcher w = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            } else if (e.getState() == Watcher.Event.KeeperState.AuthFailed) {
                authFailed.countDown();
            }
        };
        try (ZooKeeper zk = new ZooKeeper(connect, 10_000, w)) {
            assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
            zk.addAuthInfo("corral", value.getBytes(StandardCharsets.UTF_8));
            String afterAuth;
            try {
                zk.getData("/", false, null);
                afterAuth = "OK";
            } catch (KeeperException e) {
                afterAuth = e.code().name();
            }
            boolean failedEvent = authFailed.await(afterAuth.equals("OK") ? 200 : 5_000, TimeUnit.MILLISECONDS);
            List<String> schemes = new ArrayList<>();
            String create;
            if (afterAuth.equals("OK")) {
                for (ClientInfo ci : zk.whoAmI()) {
                    schemes.add(ci.getAuthScheme());
                }
                try {
                    zk.create("/mine", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
                    create = "OK";
                } catch (KeeperException e) {
                    create = e.code().name();
                }
            } else {
                create = "-";
            }
            return new Outcome(afterAuth, schemes, create, failedEvent);
        }
    }

    @Test
    void zookeeperRefusesTheCorralSchemeCorralAcceptsItWithoutAnIdentity() throws Exception {
        Outcome zk;
        Outcome corral;
        Outcome zkBad;
        Outcome corralBad;
        try (Servers.Target t = Servers.zookeeper(dir.resolve("z"))) {
            zk = optIn(t.connectString(), "linearizable");
            zkBad = optIn(t.connectString(), "something-else");
        }
        try (Servers.Target t = Servers.corral(dir.resolve("c"))) {
            corral = optIn(t.connectString(), "linearizable");
            corralBad = optIn(t.connectString(), "something-else");
        }
        System.out.printf("addAuthInfo(corral, linearizable): zookeeper %s, corral %s%n", zk, corral);
        System.out.printf("addAuthInfo(corral, something-else): zookeeper %s, corral %s%n", zkBad, corralBad);
        // ZooKeeper 3.9.5: no provider for the scheme, AUTHFAILED; the client is in AuthFailed for good.
        assertThat(zk.afterAuth()).isEqualTo("AUTHFAILED");
        assertThat(zk.authFailedEvent()).isTrue();
        // Corral: accepted; the session holds no corral id (whoAmI shows the ip only; an auth ACL has no id).
        assertThat(corral.afterAuth()).isEqualTo("OK");
        assertThat(corral.authFailedEvent()).isFalse();
        assertThat(corral.whoAmI()).containsExactly("ip");
        assertThat(corral.authAclCreate()).isEqualTo("INVALIDACL");
        // An unknown value is a bad auth on both.
        assertThat(corralBad).isEqualTo(zkBad);
    }
}
