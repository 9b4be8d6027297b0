package dev.corral.server.monitor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bytes under a data directory, as dirs, conf and server_stats report them (walks the directory). */
public final class DirSizes {
    private DirSizes() {
    }

    public static long of(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toFile).filter(File::isFile).mapToLong(File::length).sum();
        } catch (Exception e) {
            // A file deleted under the walk (RocksDB compacting): report what could not be counted as nothing.
            return 0;
        }
    }
}
