package dev.corral.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.config.ClientTlsCfg;
import dev.corral.server.config.ClientTlsConfig;
import dev.corral.server.ensemble.LocalEnsemble;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-member Corral ensemble with a TLS client port on each member: x509 ids travel with a write forwarded from
 * a follower to the leader, and every member holds the ACL against the other subject.
 */
class EnsembleTlsTest {
    @TempDir
    Path dir;

    @Test
    void x509IdsTravelWithForwardedWrites() throws Exception {
        TestCerts certs = TestCerts.shared();
        ClientTlsDifferentialTest.certs = certs;
        Map<String, String> keys = new HashMap<>(TlsTargets.secureKeys(certs));
        keys.remove("4lw.commands.whitelist");
        keys.put("secureClientPort", "0");
        keys.put("secureClientPortAddress", "127.0.0.1");
        ClientTlsConfig tls = ClientTlsCfg.parse(keys);
        try (LocalEnsemble ensemble = new LocalEnsemble(dir.resolve("ensemble"), 3, c -> c.withClientTls(tls))) {
            ensemble.startAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ensemble.leader() < 0 || !ensemble.allActive()) {
                assertThat(System.nanoTime()).as("leader elected").isLessThan(deadline);
                Thread.sleep(50);
            }
            int leader = ensemble.leader();
            int follower = leader == 1 ? 2 : 1;
            int third = 6 - leader - follower;
            try (ZooKeeper alice = ClientTlsDifferentialTest.connect(ensemble.secureAddress(follower),
                    ClientTlsDifferentialTest.tls("alice.p12", "trust.p12"))) {
                alice.create("/e", "e".getBytes(), ClientTlsDifferentialTest.acl(
                        new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE))), CreateMode.PERSISTENT);
                alice.create("/auth", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
                assertThat(alice.getACL("/auth", null)).containsExactly(
                        new ACL(ZooDefs.Perms.ALL, new Id("x509", TestCerts.ALICE)));
                assertThat(new String(alice.getData("/e", false, null))).isEqualTo("e");
            }
            try (ZooKeeper bob = ClientTlsDifferentialTest.connect(ensemble.secureAddress(leader),
                    ClientTlsDifferentialTest.tls("bob.p12", "trust.p12"))) {
                bob.sync("/e", (rc, path, ctx) -> { }, null);
                assertThat(ClientTlsDifferentialTest.outcome(() -> bob.getData("/e", false, null)))
                        .isEqualTo("NOAUTH");
                assertThat(ClientTlsDifferentialTest.outcome(() -> bob.setData("/auth", new byte[1], -1)))
                        .isEqualTo("NOAUTH");
            }
            try (ZooKeeper admin = ClientTlsDifferentialTest.connect(ensemble.secureAddress(third),
                    ClientTlsDifferentialTest.tls("admin.p12", "trust.p12"))) {
                assertThat(ClientTlsDifferentialTest.outcome(() -> admin.setData("/e", "s".getBytes(), -1)
                        .getVersion())).isEqualTo("ok 1");
            }
        }
    }
}
