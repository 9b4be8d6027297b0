package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooCfgTest {
    @TempDir
    Path dir;

    private Path cfg(String text) throws IOException {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsZooKeeperKeys() throws Exception {
        ServerConfig c = ZooCfg.load(cfg("""
                tickTime=500
                dataDir=data
                dataLogDir=/tmp/log
                clientPort=2999
                clientPortAddress=127.0.0.1
                maxClientCnxns=7
                minSessionTimeout=1500
                maxSessionTimeout=9000
                jute.maxbuffer=4096
                extendedTypesEnabled=true
                4lw.commands.whitelist=ruok, srvr ,stat
                server.1=127.0.0.1:2888:3888
                someUnknownKey=1
                """));
        assertThat(c.tickTime()).isEqualTo(500);
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(c.dataLogDir()).isEqualTo(Path.of("/tmp/log"));
        assertThat(c.clientPort()).isEqualTo(2999);
        assertThat(c.clientPortAddress()).isEqualTo("127.0.0.1");
        assertThat(c.maxClientCnxns()).isEqualTo(7);
        assertThat(c.minSessionTimeout()).isEqualTo(1500);
        assertThat(c.maxSessionTimeout()).isEqualTo(9000);
        assertThat(c.juteMaxBuffer()).isEqualTo(4096);
        assertThat(c.extendedTypesEnabled()).isTrue();
        assertThat(c.fourLetterWords()).containsExactlyInAnyOrder("ruok", "srvr", "stat");
        assertThat(c.servers()).containsEntry(1, "127.0.0.1:2888:3888");
    }

    @Test
    void sessionTimeoutsDefaultToTwoAndTwentyTicks() throws Exception {
        ServerConfig c = ZooCfg.load(cfg("tickTime=300\ndataDir=d\n"));
        assertThat(c.minSessionTimeout()).isEqualTo(600);
        assertThat(c.maxSessionTimeout()).isEqualTo(6000);
        assertThat(c.clientPort()).isEqualTo(2181);
        assertThat(c.fourLetterWords()).containsExactly("srvr");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ZooCfg.load(cfg("tickTime=abc\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tickTime'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("tickTime=-5\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tickTime'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("clientPort=70000\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'clientPort'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("maxClientCnxns=x\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'maxClientCnxns'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("jute.maxbuffer=0\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'jute.maxbuffer'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("extendedTypesEnabled=yes\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'extendedTypesEnabled'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("minSessionTimeout=9000\nmaxSessionTimeout=100\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("minSessionTimeout");
        assertThatThrownBy(() -> ZooCfg.load(cfg("globalOutstandingLimit=0\ndataDir=d\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'globalOutstandingLimit'");
        assertThatThrownBy(() -> ZooCfg.load(cfg("clientPort=2181\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dataDir");
    }

    @Test
    void juteMaxBufferAlsoComesFromTheSystemProperty() throws Exception {
        String old = System.getProperty("jute.maxbuffer");
        System.setProperty("jute.maxbuffer", "12345");
        try {
            assertThat(ZooCfg.load(cfg("dataDir=d\n")).juteMaxBuffer()).isEqualTo(12345);
            assertThat(ZooCfg.load(cfg("dataDir=d\njute.maxbuffer=777\n")).juteMaxBuffer()).isEqualTo(777);
        } finally {
            if (old == null) {
                System.clearProperty("jute.maxbuffer");
            } else {
                System.setProperty("jute.maxbuffer", old);
            }
        }
    }

    @Test
    void theServerProcessStopsWithAMessageNamingTheKey() throws Exception {
        Path file = cfg("tickTime=often\ndataDir=" + dir.resolve("d") + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.corral.server.Main", file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).isNotZero();
        assertThat(output).contains("'tickTime'").contains("often");
    }
}
