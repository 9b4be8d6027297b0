package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skipACL}: ACLs checked by default, {@code yes} or {@code no}, anything else stops start-up naming the key. */
class AclConfigTest {
    @TempDir
    Path dir;

    private ServerConfig load(String extra) throws Exception {
        Path file = dir.resolve("zoo.cfg");
        Files.writeString(file, "dataDir=" + dir.resolve("d") + "\n" + extra);
        return ZooCfg.load(file);
    }

    @Test
    void checkedByDefaultSkippedWithYes() throws Exception {
        assertThat(load("").acl().skipAcl()).isFalse();
        assertThat(load("skipACL=no\n").acl().skipAcl()).isFalse();
        assertThat(load("skipACL=yes\n").acl().skipAcl()).isTrue();
    }

    @Test
    void aBadValueNamesTheKey() {
        assertThatThrownBy(() -> load("skipACL=true\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("skipACL");
    }
}
