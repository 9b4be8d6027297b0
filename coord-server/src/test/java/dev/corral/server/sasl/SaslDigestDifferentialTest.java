package dev.corral.server.sasl;

import static dev.corral.server.sasl.SaslClients.acls;
import static dev.corral.server.sasl.SaslClients.connect;
import static dev.corral.server.sasl.SaslClients.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * SASL DIGEST-MD5 with the stock Java client against ZooKeeper 3.9.5 and Corral, started from the same keys and one
 * JAAS file (a Server section with ZooKeeper's DigestLoginModule and a client section per user): each test records
 * what the clients see on each server and asserts the records are equal, and pins the few facts that make the
 * record meaningful.
 */
class SaslDigestDifferentialTest {
    static final String JAAS = """
            Server {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              user_alice="alice-secret"
              user_bob="bob-secret"
              user_admin="admin-secret"
              user_super="not-this-one";
            };
            Client {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="alice" password="alice-secret";
            };
            ClientBob {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="bob" password="bob-secret";
            };
            ClientAdmin {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="admin" password="admin-secret";
            };
            ClientSuperName {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="super" password="super-override";
            };
            ClientWrong {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="alice" password="not-her-password";
            };
            ClientUnknown {
              org.apache.zookeeper.server.auth.DigestLoginModule required
              username="mallory" password="whatever";
            };
            """;
    private static final long SETTLE_MS = 10_000;

    @TempDir
    static Path dir;

    @BeforeAll
    static void jaas() throws Exception {
        SaslTargets.useJaas(dir, JAAS);
    }

    @AfterAll
    static void clear() {
        SaslTargets.clearJaas();
    }

    interface Scenario {
        void run(SaslTargets.Target target, Map<String, String> seen) throws Exception;
    }

    static Map<String, String> secured() {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("authProvider.1", SaslTargets.SASL_PROVIDER);
        keys.put("superUser", "admin");
        // The DIGEST-MD5 password of user "super" comes from here, not from the JAAS section.
        keys.put("SASLAuthenticationProvider.superPassword", "super-override");
        keys.put("letAnySaslUserDoX", "any-sasl-user");
        return keys;
    }

    /** Runs {@code scenario} against ZooKeeper, then Corral, with the same keys; returns ZooKeeper's record. */
    static Map<String, String> compare(Path dir, String name, Map<String, String> keys, Scenario scenario)
            throws Exception {
        Map<String, String> reference = new LinkedHashMap<>();
        Map<String, String> ours = new LinkedHashMap<>();
        Path base = Files.createDirectories(dir.resolve(name));
        try (SaslTargets.Target zk = SaslTargets.zookeeper(base.resolve("ref"), keys)) {
            scenario.run(zk, reference);
        }
        try (SaslTargets.Target corral = SaslTargets.corral(base.resolve("ours"), keys)) {
            scenario.run(corral, ours);
        }
        System.out.println(name + " (zookeeper): " + reference);
        System.out.println(name + " (corral):    " + ours);
        assertThat(ours).as(name).containsExactlyEntriesOf(reference);
        return reference;
    }

    /** A mutable list: the client's ACL check calls contains(null), which List.of refuses. */
    static List<ACL> acl(ACL... entries) {
        return new java.util.ArrayList<>(java.util.Arrays.asList(entries));
    }

    @Test
    void rightPasswordGainsTheSaslIdAndItsAcls() throws Exception {
        Map<String, String> seen = compare(dir, "acls", secured(), (target, out) -> {
            List<ACL> aliceOnly = acl(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice")));
            try (SaslClients.Client alice = connect(target.address(), "Client")) {
                out.put("alice.authenticated", String.valueOf(alice.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("alice.whoAmI", alice.whoAmI());
                out.put("alice.create", outcome(() -> alice.zk().create("/a", "x".getBytes(), aliceOnly,
                        CreateMode.PERSISTENT)));
                out.put("alice.read", outcome(() -> new String(alice.zk().getData("/a", false, null))));
                out.put("alice.createAuth", outcome(() -> alice.zk().create("/byAuth", null,
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
                out.put("alice.authAcl", outcome(() -> acls(alice.zk().getACL("/byAuth", null))));
                out.put("alice.states", alice.states().toString());
            }
            try (SaslClients.Client bob = connect(target.address(), "ClientBob")) {
                out.put("bob.authenticated", String.valueOf(bob.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("bob.whoAmI", bob.whoAmI());
                out.put("bob.read", outcome(() -> bob.zk().getData("/a", false, null)));
                out.put("bob.set", outcome(() -> bob.zk().setData("/byAuth", null, -1)));
            }
            try (SaslClients.Client anon = connect(target.address(), null)) {
                anon.await(KeeperState.SyncConnected, SETTLE_MS);
                out.put("anon.whoAmI", anon.whoAmI());
                out.put("anon.read", outcome(() -> anon.zk().getData("/a", false, null)));
                out.put("anon.createSaslAcl", outcome(() -> anon.zk().create("/forBob", null,
                        acl(new ACL(ZooDefs.Perms.READ, new Id("sasl", "bob"))), CreateMode.PERSISTENT)));
                out.put("anon.createKerberosAcl", outcome(() -> anon.zk().create("/forKrb", null,
                        acl(new ACL(ZooDefs.Perms.READ, new Id("sasl", "zk/host@EXAMPLE.COM"))),
                        CreateMode.PERSISTENT)));
                out.put("anon.createBadSaslAcl", outcome(() -> anon.zk().create("/bad", null,
                        acl(new ACL(ZooDefs.Perms.READ, new Id("sasl", "a@b@c"))), CreateMode.PERSISTENT)));
                out.put("anon.createAuth", outcome(() -> anon.zk().create("/anonAuth", null,
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
            }
            try (SaslClients.Client bob = connect(target.address(), "ClientBob")) {
                bob.await(KeeperState.SaslAuthenticated, SETTLE_MS);
                out.put("bob.createForAnySasl", outcome(() -> bob.zk().create("/anySasl", "y".getBytes(),
                        acl(new ACL(ZooDefs.Perms.READ, new Id("sasl", "any-sasl-user"))), CreateMode.PERSISTENT)));
            }
            try (SaslClients.Client alice = connect(target.address(), "Client")) {
                alice.await(KeeperState.SaslAuthenticated, SETTLE_MS);
                out.put("alice.readAnySasl", outcome(() -> new String(alice.zk().getData("/anySasl", false, null))));
            }
            try (SaslClients.Client anon = connect(target.address(), null)) {
                anon.await(KeeperState.SyncConnected, SETTLE_MS);
                out.put("anon.readAnySasl", outcome(() -> anon.zk().getData("/anySasl", false, null)));
            }
            try (SaslClients.Client superName = connect(target.address(), "ClientSuperName")) {
                out.put("superName.authenticated",
                        String.valueOf(superName.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("superName.whoAmI", superName.whoAmI());
                out.put("superName.read", outcome(() -> new String(superName.zk().getData("/a", false, null))));
            }
            try (SaslClients.Client admin = connect(target.address(), "ClientAdmin")) {
                out.put("admin.authenticated",
                        String.valueOf(admin.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("admin.whoAmI", admin.whoAmI());
                out.put("admin.read", outcome(() -> new String(admin.zk().getData("/a", false, null))));
                out.put("admin.delete", outcome(() -> {
                    admin.zk().delete("/byAuth", -1);
                    return null;
                }));
            }
        });
        assertThat(seen).containsEntry("alice.authenticated", "true").containsEntry("alice.read", "ok:x")
                .containsEntry("alice.authAcl", "ok:sasl:alice=31").containsEntry("bob.read", "NOAUTH")
                .containsEntry("anon.read", "NOAUTH").containsEntry("admin.read", "ok:x")
                .containsEntry("anon.createBadSaslAcl", "INVALIDACL").containsEntry("alice.readAnySasl", "ok:y")
                .containsEntry("anon.readAnySasl", "NOAUTH").containsEntry("superName.read", "ok:x");
        assertThat(seen.get("admin.whoAmI")).contains("super:");
    }

    @Test
    void wrongPasswordOrUnknownUserEndsInAuthFailed() throws Exception {
        Map<String, String> seen = compare(dir, "wrong", secured(), (target, out) -> {
            for (String section : List.of("ClientWrong", "ClientUnknown")) {
                try (SaslClients.Client c = connect(target.address(), section)) {
                    out.put(section + ".authFailed", String.valueOf(c.await(KeeperState.AuthFailed, SETTLE_MS)));
                    out.put(section + ".authenticated", String.valueOf(c.states()
                            .contains(KeeperState.SaslAuthenticated)));
                    out.put(section + ".alive", String.valueOf(c.zk().getState().isAlive()));
                    out.put(section + ".read", outcome(() -> c.zk().exists("/", false)));
                }
            }
        });
        assertThat(seen).containsEntry("ClientWrong.authFailed", "true").containsEntry("ClientWrong.read",
                "AUTHFAILED");
    }

    @Test
    void withoutTheSaslProviderSaslAclsAreInvalid() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("superUser", "admin");
        Map<String, String> seen = compare(dir, "noProvider", keys, (target, out) -> {
            try (SaslClients.Client alice = connect(target.address(), "Client")) {
                out.put("alice.authenticated", String.valueOf(alice.await(KeeperState.SaslAuthenticated, SETTLE_MS)));
                out.put("alice.whoAmI", alice.whoAmI());
                out.put("alice.createSaslAcl", outcome(() -> alice.zk().create("/s", null,
                        acl(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "alice"))), CreateMode.PERSISTENT)));
                out.put("alice.createAuth", outcome(() -> alice.zk().create("/byAuth", null,
                        ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
            }
        });
        assertThat(seen).containsEntry("alice.createSaslAcl", "INVALIDACL");
    }

    @Test
    void withoutAServerSectionTheClientFailsOnItsSide() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("authProvider.1", SaslTargets.SASL_PROVIDER);
        // A section the JAAS file lacks: both servers run without SASL (the file itself reads fine).
        keys.put("sasl.serverconfig", "NoSuchSection");
        compare(dir, "noSection", keys, (target, out) -> {
            try (SaslClients.Client alice = connect(target.address(), "Client")) {
                out.put("alice.authFailed", String.valueOf(alice.await(KeeperState.AuthFailed, SETTLE_MS)));
                out.put("alice.authenticated", String.valueOf(alice.states()
                        .contains(KeeperState.SaslAuthenticated)));
                out.put("alice.read", outcome(() -> alice.zk().exists("/", false)));
            }
            try (SaslClients.Client anon = connect(target.address(), null)) {
                anon.await(KeeperState.SyncConnected, SETTLE_MS);
                out.put("anon.whoAmI", anon.whoAmI());
            }
        });
    }
}
