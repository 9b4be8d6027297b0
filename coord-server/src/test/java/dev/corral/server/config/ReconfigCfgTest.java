package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zoo.cfg's reconfiguration keys: reconfigEnabled, standaloneEnabled and a dynamicConfigFile with the membership. */
class ReconfigCfgTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreZooKeepers() throws Exception {
        Files.writeString(dir.resolve("zoo.cfg"), "dataDir=data\nserver.1=127.0.0.1:2888:3888\n");
        ServerConfig c = ZooCfg.load(dir.resolve("zoo.cfg"));
        assertThat(c.reconfig().enabled()).isFalse();
        assertThat(c.reconfig().standaloneEnabled()).isTrue();
        assertThat(c.reconfig().dynamicConfigFile()).isNull();
        assertThat(c.reconfig().version()).isZero();
        assertThat(c.reconfig().configFile()).isEqualTo(dir.resolve("zoo.cfg").toAbsolutePath());
    }

    @Test
    void theDynamicFileHoldsTheMembersAndItsNameTheVersion() throws Exception {
        Files.writeString(dir.resolve("zoo.cfg.dynamic.100000000"),
                "server.1=127.0.0.1:2888:3888:participant\nserver.2=127.0.0.1:2889:3889:observer;127.0.0.1:2182");
        Files.writeString(dir.resolve("zoo.cfg"), "dataDir=data\nreconfigEnabled=true\n"
                + "dynamicConfigFile=" + dir.resolve("zoo.cfg.dynamic.100000000") + "\n");
        ServerConfig c = ZooCfg.load(dir.resolve("zoo.cfg"));
        assertThat(c.reconfig().enabled()).isTrue();
        assertThat(c.reconfig().version()).isEqualTo(0x100000000L);
        assertThat(c.servers()).containsOnlyKeys(1, 2);
        assertThat(c.peerRoles().isObserver(2)).isTrue();
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        Files.writeString(dir.resolve("zoo.cfg"), "dataDir=data\nreconfigEnabled=yes\n");
        assertThatThrownBy(() -> ZooCfg.load(dir.resolve("zoo.cfg"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("reconfigEnabled");
        Files.writeString(dir.resolve("zoo.cfg"), "dataDir=data\ndynamicConfigFile=" + dir.resolve("missing") + "\n");
        assertThatThrownBy(() -> ZooCfg.load(dir.resolve("zoo.cfg"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dynamicConfigFile");
        Files.writeString(dir.resolve("zoo.cfg"), "dataDir=data\nserver.1=127.0.0.1:2888:3888;21x81\n");
        assertThatThrownBy(() -> ZooCfg.load(dir.resolve("zoo.cfg"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.1").hasMessageContaining("'21x81' is not a port");
        Files.writeString(dir.resolve("empty.dynamic"), "version=1\n");
        assertThatThrownBy(() -> ReconfigCfg.dynamicServers(ReconfigCfg.parse(
                Map.of("dynamicConfigFile", dir.resolve("empty.dynamic").toString()), dir)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dynamicConfigFile");
    }
}
