package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a member keeps the files the corruptors aim at. Corral: the ZAB log is a RocksDB database under
 * dataDir/zablog (its write-ahead log, *.log, holds the newest entries), the tree a RocksDB database under
 * dataDir/tree (*.sst). ZooKeeper: dataDir/version-2/log.* and snapshot.*. "Newest" is the highest-numbered file,
 * which both name in increasing order.
 */
final class DataFiles {
    private DataFiles() {
    }

    static Optional<Path> newestLog(Node n) {
        Path corral = n.dataDir().resolve("zablog");
        return Files.isDirectory(corral) ? newest(corral, "", ".log") : newest(n.dataDir().resolve("version-2"),
                "log.", "");
    }

    static Optional<Path> newestTree(Node n) {
        Path corral = n.dataDir().resolve("tree");
        return Files.isDirectory(corral) ? newest(corral, "", ".sst") : newest(n.dataDir().resolve("version-2"),
                "snapshot.", "");
    }

    private static Optional<Path> newest(Path dir, String prefix, String suffix) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String s = p.getFileName().toString();
                return s.startsWith(prefix) && s.endsWith(suffix) && Files.isRegularFile(p);
            }).max(Comparator.comparing(DataFiles::modified).thenComparing(p -> p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Moves everything in the data directory but myid aside (to data.aside-N beside it); returns where. */
    static Path moveAside(Node n) throws IOException {
        Path data = n.dataDir();
        Path aside = data.resolveSibling("data.aside-" + System.currentTimeMillis());
        Files.createDirectories(aside);
        try (Stream<Path> files = Files.list(data)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().equals("myid")) {
                    Files.move(p, aside.resolve(p.getFileName()));
                }
            }
        }
        return aside;
    }
}
