package dev.corral.server.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.SaslConfig;
import dev.corral.server.config.ZooCfg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SASL and enforced-authentication keys as zoo.cfg and the zookeeper.* system properties give them, and the
 * settings that stop start-up: those ZooKeeper 3.9.5 refuses too are checked against it.
 */
class SaslCfgTest {
    @TempDir
    static Path dir;

    private static SaslConfig parse(Map<String, String> keys) throws ConfigException {
        Properties p = new Properties();
        p.put("dataDir", "data");
        p.putAll(keys);
        return ZooCfg.parse(p, dir).sasl();
    }

    @Test
    void securedZooCfgKeys() throws Exception {
        SaslConfig c = parse(Map.of("authProvider.1", SaslTargets.SASL_PROVIDER, "superUser", "admin",
                "superUser.2", "ops", "kerberos.removeHostFromPrincipal", "true",
                "kerberos.removeRealmFromPrincipal", "false", "enforce.auth.enabled", "true",
                "enforce.auth.schemes", "sasl, digest", "sasl.serverconfig", "ZkServer",
                "quorum.auth.enableSasl", "true"));
        assertThat(c.saslScheme()).isTrue();
        assertThat(c.superUsers()).containsExactlyInAnyOrder("admin", "ops");
        assertThat(c.removeHostFromPrincipal()).isTrue();
        assertThat(c.removeRealmFromPrincipal()).isFalse();
        assertThat(c.enforceSchemes()).containsExactly("sasl", "digest");
        assertThat(c.saslRequired()).isTrue();
        assertThat(c.loginContext()).isEqualTo("ZkServer");
        assertThat(c.loginContextRequired()).isTrue();
    }

    @Test
    void defaultsAreZooKeepers() throws Exception {
        SaslConfig c = parse(Map.of());
        assertThat(c.saslScheme()).isFalse();
        assertThat(c.enforced()).isFalse();
        assertThat(c.loginContext()).isEqualTo("Server");
        assertThat(c.authToLocal()).isEqualTo("DEFAULT");
    }

    @Test
    void systemPropertiesFillInAndZooCfgWins() throws Exception {
        List<String> props = List.of("zookeeper.authProvider.sasl", "zookeeper.enforce.auth.enabled",
                "zookeeper.enforce.auth.schemes", "zookeeper.superUser", "zookeeper.kerberos.removeRealmFromPrincipal");
        try {
            System.setProperty("zookeeper.authProvider.sasl", SaslTargets.SASL_PROVIDER);
            System.setProperty("zookeeper.enforce.auth.enabled", "true");
            System.setProperty("zookeeper.enforce.auth.schemes", "sasl");
            System.setProperty("zookeeper.superUser", "root");
            System.setProperty("zookeeper.kerberos.removeRealmFromPrincipal", "true");
            SaslConfig fromProps = parse(Map.of());
            assertThat(fromProps.saslScheme()).isTrue();
            assertThat(fromProps.enforceSchemes()).containsExactly("sasl");
            assertThat(fromProps.superUsers()).containsExactly("root");
            assertThat(fromProps.removeRealmFromPrincipal()).isTrue();
            SaslConfig overridden = parse(Map.of("enforce.auth.enabled", "false",
                    "kerberos.removeRealmFromPrincipal", "false"));
            assertThat(overridden.enforced()).isFalse();
            assertThat(overridden.removeRealmFromPrincipal()).isFalse();
        } finally {
            props.forEach(System::clearProperty);
        }
    }

    @Test
    void badValuesStopStartUpNamingTheKey() {
        assertThatThrownBy(() -> parse(Map.of("enforce.auth.enabled", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'enforce.auth.enabled'");
        assertThatThrownBy(() -> parse(Map.of("kerberos.removeHostFromPrincipal", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'kerberos.removeHostFromPrincipal'");
        assertThatThrownBy(() -> parse(Map.of("security.auth_to_local", "RULE:[1:$1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'security.auth_to_local'");
        assertThatThrownBy(() -> parse(Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", "x509")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'enforce.auth.schemes'");
    }

    /** Settings ZooKeeper 3.9.5 refuses at start-up (AuthenticationHelper): Corral refuses them, naming the key. */
    @Test
    void enforcementZooKeeperRefusesIsRefused() throws Exception {
        List<Map<String, String>> refused = List.of(
                Map.of("enforce.auth.enabled", "true"),
                Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", "sasl"),
                Map.of("sessionRequireClientSASLAuth", "true"),
                Map.of("enforce.auth.enabled", "true", "enforce.auth.schemes", ",digest"));
        int i = 0;
        for (Map<String, String> keys : refused) {
            Path base = Files.createDirectories(dir.resolve("refused" + i++));
            assertThatThrownBy(() -> SaslTargets.zookeeper(base, keys).close()).as("zookeeper %s", keys)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> parse(keys)).as("corral %s", keys).isInstanceOf(ConfigException.class)
                    .hasMessageMatching(".*'(enforce\\.auth\\.schemes|sessionRequireClientSASLAuth)'.*");
        }
        // And what both accept.
        Map<String, String> ok = new LinkedHashMap<>();
        ok.put("enforce.auth.enabled", "true");
        ok.put("enforce.auth.schemes", "ip,digest");
        SaslTargets.zookeeper(Files.createDirectories(dir.resolve("accepted")), ok).close();
        assertThat(parse(ok).enforceSchemes()).containsExactly("ip", "digest");
    }

    @Test
    void anUnreadableJaasFileStopsStartUpOfBoth() throws Exception {
        System.setProperty("java.security.auth.login.config", dir.resolve("missing.conf").toString());
        javax.security.auth.login.Configuration.setConfiguration(null);
        try {
            assertThatThrownBy(() -> SaslTargets.zookeeper(Files.createDirectories(dir.resolve("zkJaas")), Map.of())
                    .close()).isInstanceOf(java.io.IOException.class).hasMessageContaining("Server");
            assertThatThrownBy(() -> SaslTargets.corral(Files.createDirectories(dir.resolve("corralJaas")), Map.of())
                    .close()).isInstanceOf(ConfigException.class).hasMessageContaining("'Server'")
                    .hasMessageContaining("missing.conf");
        } finally {
            SaslTargets.clearJaas();
        }
    }
}
