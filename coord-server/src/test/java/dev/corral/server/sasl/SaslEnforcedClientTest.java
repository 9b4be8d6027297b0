package dev.corral.server.sasl;

import static dev.corral.server.sasl.SaslClients.connect;
import static dev.corral.server.sasl.SaslClients.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforced SASL authentication with the stock Java client, and Curator over DIGEST-MD5, against ZooKeeper 3.9.5 and
 * Corral started from the same keys: what an unauthenticated client, a SASL client and a Curator client see.
 */
class SaslEnforcedClientTest {
    private static final long SETTLE_MS = 10_000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void jaas() throws Exception {
        SaslTargets.useJaas(dir, SaslDigestDifferentialTest.JAAS);
    }

    @AfterAll
    static void clear() {
        SaslTargets.clearJaas();
    }

    @Test
    void unauthenticatedClientsAreRefusedAuthenticatedOnesServed() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(SaslDigestDifferentialTest.secured());
        keys.put("enforce.auth.enabled", "true");
        keys.put("enforce.auth.schemes", "sasl");
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "enforced", keys, (target, out) -> {
            try (SaslClients.Client anon = connect(target.address(), null)) {
                out.put("anon.connected", String.valueOf(anon.await(KeeperState.SyncConnected, SETTLE_MS)));
                out.put("anon.read", outcome(() -> anon.zk().getData("/", false, null)));
                out.put("anon.disconnected", String.valueOf(anon.await(KeeperState.Disconnected, SETTLE_MS)));
            }
            try (SaslClients.Client alice = connect(target.address(), "Client")) {
                out.put("alice.authenticated", String.valueOf(alice.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("alice.create", outcome(() -> alice.zk().create("/e", null, ZooDefs.Ids.CREATOR_ALL_ACL,
                        CreateMode.PERSISTENT)));
                out.put("alice.whoAmI", alice.whoAmI());
                out.put("alice.states", alice.states().toString());
            }
            try (SaslClients.Client wrong = connect(target.address(), "ClientWrong")) {
                out.put("wrong.authFailed", String.valueOf(wrong.await(KeeperState.AuthFailed, SETTLE_MS)));
                out.put("wrong.read", outcome(() -> wrong.zk().exists("/", false)));
            }
        });
        assertThat(seen).containsEntry("anon.read", "SESSIONCLOSEDREQUIRESASLAUTH")
                .containsEntry("alice.create", "ok:/e").containsEntry("wrong.authFailed", "true");
    }

    @Test
    void sessionRequireClientSaslAuthIsTheOlderSpelling() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(SaslDigestDifferentialTest.secured());
        keys.put("sessionRequireClientSASLAuth", "true");
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "required", keys, (target, out) -> {
            try (SaslClients.Client anon = connect(target.address(), null)) {
                anon.await(KeeperState.SyncConnected, SETTLE_MS);
                out.put("anon.read", outcome(() -> anon.zk().getData("/", false, null)));
            }
            try (SaslClients.Client bob = connect(target.address(), "ClientBob")) {
                bob.await(KeeperState.SaslAuthenticated, SETTLE_MS);
                out.put("bob.read", outcome(() -> bob.zk().exists("/", false) != null));
            }
        });
        assertThat(seen).containsEntry("anon.read", "SESSIONCLOSEDREQUIRESASLAUTH").containsEntry("bob.read",
                "ok:true");
    }

    @Test
    void curatorOverDigestMd5() throws Exception {
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "curator",
                SaslDigestDifferentialTest.secured(), (target, out) -> {
                    try (CuratorFramework alice = curator(target.address(), "Client");
                         CuratorFramework bob = curator(target.address(), "ClientBob")) {
                        out.put("alice.create", outcome(() -> alice.create().creatingParentsIfNeeded()
                                .withACL(java.util.Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice"))))
                                .forPath("/cur/node", "v".getBytes())));
                        out.put("alice.read", outcome(() -> new String(alice.getData().forPath("/cur/node"))));
                        out.put("bob.read", outcome(() -> bob.getData().forPath("/cur/node")));
                        out.put("bob.whoAmI", SaslClients.infos(bob.getZookeeperClient().getZooKeeper().whoAmI()));
                    }
                });
        assertThat(seen).containsEntry("alice.read", "ok:v").containsEntry("bob.read", "NOAUTH");
    }

    private static CuratorFramework curator(String address, String section) throws InterruptedException {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty("zookeeper.fips-mode", "false");
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(address).zkClientConfig(config)
                .retryPolicy(new RetryOneTime(200)).sessionTimeoutMs(10_000).build();
        c.start();
        c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS);
        return c;
    }
}
