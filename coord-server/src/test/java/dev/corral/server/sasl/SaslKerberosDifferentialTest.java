package dev.corral.server.sasl;

import static dev.corral.server.sasl.SaslClients.connect;
import static dev.corral.server.sasl.SaslClients.outcome;
import static dev.corral.server.sasl.TestKdc.keytabLogin;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kerberos GSSAPI with the stock Java client against ZooKeeper 3.9.5 and Corral, with a KDC started here (Apache
 * Kerby's SimpleKdcServer, realm EXAMPLE.COM): the server principal zookeeper/localhost@EXAMPLE.COM and the clients
 * log in from keytabs. What the clients see on each server is recorded and compared, with the kerberos.remove*
 * settings and a super user.
 */
class SaslKerberosDifferentialTest {
    private static final String REALM = TestKdc.REALM;
    private static final long SETTLE_MS = 15_000;

    @TempDir
    static Path dir;
    static TestKdc kdc;

    @BeforeAll
    static void startKdc() throws Exception {
        kdc = TestKdc.start(dir.resolve("kdc"));
        File server = kdc.keytab("server.keytab", "zookeeper/localhost@" + REALM);
        File clients = kdc.keytab("clients.keytab", "client@" + REALM, "other@" + REALM, "svc/localhost@" + REALM);
        // Every login below refreshes the JDK's Kerberos configuration (refreshKrb5Config), so this JVM reads
        // the KDC's krb5.conf whatever Kerberos use came before in it.
        System.setProperty("java.security.krb5.conf", kdc.krb5Conf().toString());
        System.setProperty("sun.security.krb5.rcache", "none");
        SaslTargets.useJaas(dir, "Server {\n" + keytabLogin(server, "zookeeper/localhost@" + REALM, false)
                + "Client {\n" + keytabLogin(clients, "client@" + REALM, true)
                + "ClientOther {\n" + keytabLogin(clients, "other@" + REALM, true)
                + "ClientService {\n" + keytabLogin(clients, "svc/localhost@" + REALM, true));
        TestKdc.setZooKeeperDefaultRealm();
    }

    @AfterAll
    static void stopKdc() throws Exception {
        SaslTargets.clearJaas();
        System.clearProperty("java.security.krb5.conf");
        System.clearProperty("sun.security.krb5.rcache");
        if (kdc != null) {
            kdc.close();
        }
    }

    @Test
    void gssapiGivesThePrincipalAsTheSaslId() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(Map.of("authProvider.1", SaslTargets.SASL_PROVIDER,
                "superUser", "other@" + REALM));
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "gssapi", keys, (target, out) -> {
            try (SaslClients.Client c = connect(target.address(), "Client")) {
                out.put("client.authenticated", String.valueOf(c.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("client.whoAmI", c.whoAmI());
                out.put("client.create", outcome(() -> c.zk().create("/k", "v".getBytes(),
                        SaslDigestDifferentialTest.acl(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "client@" + REALM))),
                        CreateMode.PERSISTENT)));
                out.put("client.read", outcome(() -> new String(c.zk().getData("/k", false, null))));
                out.put("client.createAuth", outcome(() -> c.zk().create("/ka", null, ZooDefs.Ids.CREATOR_ALL_ACL,
                        CreateMode.PERSISTENT)));
                out.put("client.authAcl", outcome(() -> SaslClients.acls(c.zk().getACL("/ka", null))));
            }
            try (SaslClients.Client s = connect(target.address(), "ClientService")) {
                out.put("svc.authenticated", String.valueOf(s.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("svc.whoAmI", s.whoAmI());
                out.put("svc.read", outcome(() -> s.zk().getData("/k", false, null)));
            }
            try (SaslClients.Client o = connect(target.address(), "ClientOther")) {
                out.put("other.authenticated", String.valueOf(o.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("other.whoAmI", o.whoAmI());
                out.put("other.read", outcome(() -> new String(o.zk().getData("/k", false, null))));
            }
        });
        assertThat(seen).containsEntry("client.authenticated", "true")
                .containsEntry("client.whoAmI", "sasl:client@" + REALM + ",ip:127.0.0.1")
                .containsEntry("client.read", "ok:v").containsEntry("svc.read", "NOAUTH")
                .containsEntry("svc.whoAmI", "sasl:svc/localhost@" + REALM + ",ip:127.0.0.1")
                .containsEntry("other.read", "ok:v");
    }

    @Test
    void removeHostAndRealmShortenTheId() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(Map.of("authProvider.1", SaslTargets.SASL_PROVIDER,
                "kerberos.removeHostFromPrincipal", "true", "kerberos.removeRealmFromPrincipal", "true"));
        Map<String, String> seen = SaslDigestDifferentialTest.compare(dir, "shortened", keys, (target, out) -> {
            try (SaslClients.Client s = connect(target.address(), "ClientService")) {
                out.put("svc.authenticated", String.valueOf(s.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("svc.whoAmI", s.whoAmI());
                out.put("svc.create", outcome(() -> s.zk().create("/svc", null, ZooDefs.Ids.CREATOR_ALL_ACL,
                        CreateMode.PERSISTENT)));
                out.put("svc.acl", outcome(() -> SaslClients.acls(s.zk().getACL("/svc", null))));
            }
            try (SaslClients.Client c = connect(target.address(), "Client")) {
                c.await(KeeperState.SaslAuthenticated, SETTLE_MS);
                out.put("client.whoAmI", c.whoAmI());
            }
        });
        assertThat(seen).containsEntry("svc.whoAmI", "sasl:svc,ip:127.0.0.1")
                .containsEntry("client.whoAmI", "ip:127.0.0.1,sasl:client");
    }
}
