package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksNativeTest {
    @TempDir
    Path tmp;

    @Test
    void copiesTheLibraryOnceUnderADirectoryNamedForItsCrcAndReusesIt() throws Exception {
        Path base = tmp.resolve("native");
        Path dir = RocksNative.cachedCopyDir(base);
        assertThat(dir).isNotNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base))).isEqualTo("rwx------");
        try (var files = Files.list(dir)) {
            Path lib = files.filter(f -> f.getFileName().toString().endsWith(".so")).findFirst().orElseThrow();
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(lib));
            assertThat(dir.getFileName().toString()).isEqualTo("rocksdbjni-" + Long.toHexString(crc.getValue()));

            FileTime old = FileTime.fromMillis(1_000_000L);
            Files.setLastModifiedTime(lib, old);
            assertThat(RocksNative.cachedCopyDir(base)).isEqualTo(dir);
            assertThat(Files.getLastModifiedTime(lib)).as("not copied again").isEqualTo(old);

            // A truncated copy (a crash mid-copy before the rename cannot leave one, but a full disk might) is redone.
            Files.write(lib, new byte[10]);
            RocksNative.cachedCopyDir(base);
            crc.reset();
            crc.update(Files.readAllBytes(lib));
            assertThat(Long.toHexString(crc.getValue())).isEqualTo(dir.getFileName().toString().substring(11));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void refusesADirectoryOthersCanWriteIn() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("shared"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> RocksNative.cachedCopyDir(base)).isInstanceOf(IOException.class)
                .hasMessageContaining("not writable by others");
        try (var files = Files.list(base)) {
            assertThat(files).isEmpty();
        }
    }
}
