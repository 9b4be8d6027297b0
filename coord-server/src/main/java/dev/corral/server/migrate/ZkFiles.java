package dev.corral.server.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a ZooKeeper {@code version-2} directory: {@code snapshot.<hexzxid>[.gz|.snappy]} and
 * {@code log.<hexzxid>}, named for the zxid they start at (FileSnap, FileTxnLog, Util.getZxidFromName).
 */
final class ZkFiles {
    static final String VERSION_DIR = "version-2";

    /** A file and the zxid its name carries. */
    record Named(Path path, long zxid) {
    }

    private ZkFiles() {
    }

    /** The snapshots under {@code dir}, newest first. */
    static List<Named> snapshots(Path dir) throws IOException {
        List<Named> list = list(dir, "snapshot");
        list.sort(Comparator.comparingLong(Named::zxid).reversed());
        return list;
    }

    /** The logs under {@code dir}, oldest first. */
    static List<Named> logs(Path dir) throws IOException {
        List<Named> list = list(dir, "log");
        list.sort(Comparator.comparingLong(Named::zxid));
        return list;
    }

    /**
     * The logs that can hold txns after {@code zxid}: the last one starting at or before it (a log that started
     * before a fuzzy snapshot holds txns after it) and every later one (FileTxnLog.getLogFiles).
     */
    static List<Named> logsAfter(List<Named> oldestFirst, long zxid) {
        int first = 0;
        for (int i = 0; i < oldestFirst.size(); i++) {
            if (oldestFirst.get(i).zxid() <= zxid) {
                first = i;
            }
        }
        return oldestFirst.subList(first, oldestFirst.size());
    }

    private static List<Named> list(Path dir, String prefix) throws IOException {
        List<Named> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                long zxid = zxidOf(p.getFileName().toString(), prefix);
                if (zxid >= 0 && Files.isRegularFile(p)) {
                    out.add(new Named(p, zxid));
                }
            }
        }
        return out;
    }

    /** ZooKeeper's name rule: prefix, a dot, hex digits, then optionally a dot and a suffix; -1 otherwise. */
    static long zxidOf(String name, String prefix) {
        String[] parts = name.split("\\.");
        if (parts.length < 2 || parts.length > 3 || !parts[0].equals(prefix)) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(parts[1], 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
