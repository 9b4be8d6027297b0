package dev.corral.server.sasl;

import static dev.corral.server.sasl.TestKdc.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo with GSSAPI (pure-sasl over Debian's python3-kerberos, MIT Kerberos) against ZooKeeper 3.9.5 and Corral,
 * both logged in as zookeeper/localhost@EXAMPLE.COM at the Kerby KDC started here. The python process gets its own
 * MIT krb5.conf for that KDC and a client keytab ({@code KRB5_CLIENT_KTNAME}), from which MIT's GSSAPI takes its
 * initial ticket without kinit.
 */
class KazooSaslKerberosTest {
    private static final String CLIENT = "kazoo@" + REALM;

    @TempDir
    static Path dir;
    static TestKdc kdc;
    static File clientKeytab;

    @BeforeAll
    static void startKdc() throws Exception {
        kdc = TestKdc.start(dir.resolve("kdc"));
        File server = kdc.keytab("server.keytab", "zookeeper/localhost@" + REALM);
        clientKeytab = kdc.keytab("kazoo.keytab", CLIENT);
        System.setProperty("java.security.krb5.conf", kdc.krb5Conf().toString());
        System.setProperty("sun.security.krb5.rcache", "none");
        SaslTargets.useJaas(dir, "Server {\n" + TestKdc.keytabLogin(server, "zookeeper/localhost@" + REALM, false));
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
    void gssapiSeesTheSameOnBothServers() throws Exception {
        // MIT's library, not the JDK: TCP to the KDC (udp_preference_limit), no DNS games with "localhost".
        Path krb5 = dir.resolve("mit-krb5.conf");
        Files.writeString(krb5, "[libdefaults]\n  default_realm = " + REALM + "\n  udp_preference_limit = 1\n"
                + "  rdns = false\n  dns_canonicalize_hostname = false\n  dns_lookup_kdc = false\n"
                + "[realms]\n  " + REALM + " = {\n    kdc = localhost:" + kdc.port() + "\n  }\n");
        List<String> env = List.of("KRB5_CONFIG=" + krb5, "KRB5_CLIENT_KTNAME=" + clientKeytab.getAbsolutePath(),
                "KRB5CCNAME=FILE:" + dir.resolve("kazoo.ccache"), "KRB5RCACHETYPE=none");
        String reference = KazooSaslTest.compare(dir, "gssapi", java.util.Map.of(), env, "gssapi", CLIENT);
        assertThat(reference).contains("owner start: session\n").contains("owner get: ok b's'")
                .contains("owner acl: ok [(31, 'sasl', '" + CLIENT + "')]")
                .contains("owner creator acl: ok [(31, 'sasl', '" + CLIENT + "')]")
                .contains("anonymous get: NoAuthError");
    }
}
