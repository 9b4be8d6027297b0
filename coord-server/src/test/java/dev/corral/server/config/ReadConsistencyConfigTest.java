package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral.linearizableReads}: off by default, true/false, anything else stops start-up naming the key. */
class ReadConsistencyConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String extra) throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir.resolve("d") + "\n" + extra);
        return ZooCfg.load(file);
    }

    @Test
    void offByDefaultOnWhenSet() throws Exception {
        assertThat(load("").reads().linearizableReads()).isFalse();
        assertThat(load("corral.linearizableReads=true\n").reads().linearizableReads()).isTrue();
        assertThat(load("corral.linearizableReads=FALSE\n").reads().linearizableReads()).isFalse();
    }

    @Test
    void aBadValueNamesTheKey() {
        assertThatThrownBy(() -> load("corral.linearizableReads=yes\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("corral.linearizableReads");
    }
}
