package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Curator over TLS (its ZKClientConfig carrying the client certificate) against Corral's secureClientPort. */
class CuratorTlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.shared();
        ClientTlsDifferentialTest.certs = certs;
    }

    private static CuratorFramework curator(String address, String keyStore) {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(address)
                .zkClientConfig(ClientTlsDifferentialTest.tls(keyStore, "trust.p12"))
                .sessionTimeoutMs(10_000).connectionTimeoutMs(10_000).retryPolicy(new RetryOneTime(200)).build();
        c.start();
        return c;
    }

    @Test
    void recipesWorkOverTlsAndX509AclsHold() throws Exception {
        try (TlsTargets.Target corral = TlsTargets.corral(dir.resolve("s"), TlsTargets.secureKeys(certs), false);
             CuratorFramework alice = curator(corral.tlsAddress(), "alice.p12");
             CuratorFramework bob = curator(corral.tlsAddress(), "bob.p12")) {
            assertThat(alice.blockUntilConnected(15, TimeUnit.SECONDS)).isTrue();
            alice.create().creatingParentsIfNeeded()
                    .withACL(List.of(new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE))))
                    .forPath("/app/secret", "s".getBytes());
            assertThat(new String(alice.getData().forPath("/app/secret"))).isEqualTo("s");
            assertThat(bob.blockUntilConnected(15, TimeUnit.SECONDS)).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bob.getData().forPath("/app/secret"))
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NoAuthException.class);

            InterProcessMutex lockA = new InterProcessMutex(alice, "/app/lock");
            InterProcessMutex lockB = new InterProcessMutex(bob, "/app/lock");
            assertThat(lockA.acquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(lockB.acquire(300, TimeUnit.MILLISECONDS)).isFalse();
            lockA.release();
            assertThat(lockB.acquire(10, TimeUnit.SECONDS)).isTrue();
            lockB.release();

            try (LeaderLatch latch = new LeaderLatch(alice, "/app/leader")) {
                latch.start();
                assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
