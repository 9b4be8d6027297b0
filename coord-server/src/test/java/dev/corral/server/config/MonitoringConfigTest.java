package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin.* and metricsProvider.* keys: ZooKeeper's defaults, its system properties, and bad values. */
class MonitoringConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String text) throws Exception {
        Path f = dir.resolve("zoo.cfg");
        Files.writeString(f, "dataDir=d\n" + text);
        return ZooCfg.load(f);
    }

    @Test
    void defaultsAreZooKeepers() throws Exception {
        MonitoringConfig m = load("").monitoring();
        assertThat(m.adminEnabled()).isTrue();
        assertThat(m.adminAddress()).isEqualTo("0.0.0.0");
        assertThat(m.adminPort()).isEqualTo(8080);
        assertThat(m.commandUrl()).isEqualTo("/commands");
        assertThat(m.metricsEnabled()).isFalse();
        assertThat(m.metricsPort()).isEqualTo(7000);
        assertThat(m.exportJvmInfo()).isTrue();
    }

    @Test
    void readsTheKeys() throws Exception {
        String text = "admin.enableServer=false\nadmin.serverAddress=127.0.0.1\nadmin.serverPort=9090\n"
                + "admin.commandURL=/cmds\nmetricsProvider.className=" + MonitoringConfig.PROMETHEUS_PROVIDER + "\n"
                + "metricsProvider.httpHost=127.0.0.2\nmetricsProvider.httpPort=7001\n"
                + "metricsProvider.exportJvmInfo=false\nadmin.snapshot.enabled=false\n"
                + "admin.restore.enabled=false\nadmin.rateLimiterIntervalInMS=1000\n";
        MonitoringConfig m = load(text).monitoring();
        assertThat(m).isEqualTo(new MonitoringConfig(false, "127.0.0.1", 9090, "/cmds", true, "127.0.0.2", 7001,
                false, new AdminDataConfig(false, false, 1000, "dataDir=d\n" + text)));
    }

    @Test
    void adminKeysAlsoComeFromZooKeepersSystemProperties() throws Exception {
        System.setProperty("zookeeper.admin.serverPort", "9191");
        System.setProperty("zookeeper.admin.enableServer", "false");
        try {
            assertThat(load("").monitoring().adminPort()).isEqualTo(9191);
            assertThat(load("").monitoring().adminEnabled()).isFalse();
            assertThat(load("admin.serverPort=9292\n").monitoring().adminPort()).isEqualTo(9292);
        } finally {
            System.clearProperty("zookeeper.admin.serverPort");
            System.clearProperty("zookeeper.admin.enableServer");
        }
    }

    @Test
    void snapshotAndRestoreDefaultsAreZooKeepers() throws Exception {
        AdminDataConfig d = load("").monitoring().adminData();
        assertThat(d.snapshotEnabled()).isTrue();
        assertThat(d.restoreEnabled()).isTrue();
        assertThat(d.rateLimiterIntervalMs()).isEqualTo(300_000);
        assertThatThrownBy(() -> load("admin.snapshot.enabled=yes\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.snapshot.enabled");
        assertThatThrownBy(() -> load("admin.rateLimiterIntervalInMS=-5\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.rateLimiterIntervalInMS");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> load("admin.serverPort=80800\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'admin.serverPort'");
        assertThatThrownBy(() -> load("admin.enableServer=yes\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'admin.enableServer'");
        assertThatThrownBy(() -> load("admin.commandURL=commands\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'admin.commandURL'");
        assertThatThrownBy(() -> load("metricsProvider.className=com.example.Nope\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'metricsProvider.className'");
        assertThatThrownBy(() -> load("metricsProvider.httpPort=x\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'metricsProvider.httpPort'");
        assertThatThrownBy(() -> load("metricsProvider.exportJvmInfo=1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'metricsProvider.exportJvmInfo'");
    }
}
