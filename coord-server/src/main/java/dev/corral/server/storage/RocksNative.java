package dev.corral.server.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's JNI library from a copy kept between runs. rocksdbjni's own loader copies the 14.5 MB library out
 * of the jar into a new temporary file on every start (about a tenth of a second of a restart) and deletes it only
 * on a clean exit, so every {@code kill -9} left one behind in the temporary directory. Here the copy is made once
 * per library version, in a directory only this user can write ({@code -Dcorral.nativeDir}, default
 * {@code ${java.io.tmpdir}/corral-native-${user.name}}), and loaded from there. Anything unexpected (no such
 * resource, a directory someone else could write, a failed copy) falls back to rocksdbjni's own loader.
 */
public final class RocksNative {
    private static final Logger LOG = LoggerFactory.getLogger(RocksNative.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static boolean loaded;

    private RocksNative() {
    }

    /** Loads the library once per JVM; later calls return at once. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        Path base = Path.of(System.getProperty("corral.nativeDir",
                Path.of(System.getProperty("java.io.tmpdir"), "corral-native-" + System.getProperty("user.name"))
                        .toString()));
        try {
            Path dir = cachedCopyDir(base);
            if (dir != null) {
                RocksDB.loadLibrary(List.of(dir.toString()));
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("cannot load RocksDB's library from a copy under {} ({}); extracting it afresh", base,
                    e.toString());
        }
        RocksDB.loadLibrary(); // returns at once if the copy was loaded
        loaded = true;
    }

    /**
     * The directory holding a copy of the library in the jar (made now if missing), named after the jar entry's
     * CRC so that a new rocksdbjni version gets its own copy; null if the library is not a jar entry.
     */
    static Path cachedCopyDir(Path base) throws IOException {
        String name = Environment.getJniLibraryFileName("rocksdb");
        // The name RocksDB.loadLibrary(paths) looks for in each path: rocksdbjni 9 builds it from "rocksdbjni",
        // which makes "librocksdbjnijni-linux64.so"; asking Environment keeps this right should that change.
        String loadName = Environment.getJniLibraryFileName("rocksdbjni");
        URL resource = RocksDB.class.getClassLoader().getResource(name);
        if (resource == null) {
            return null;
        }
        URLConnection connection = resource.openConnection();
        if (!(connection instanceof JarURLConnection jar) || jar.getJarEntry().getCrc() < 0) {
            return null;
        }
        long size = jar.getJarEntry().getSize();
        Path dir = ownerOnlyDir(base).resolve("rocksdbjni-" + Long.toHexString(jar.getJarEntry().getCrc()));
        Path lib = dir.resolve(loadName);
        if (Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) && Files.size(lib) == size) {
            return dir;
        }
        Files.createDirectories(dir);
        // Other servers may start from the same jar at the same moment: each copies to its own file and renames it
        // into place, and a rename never disturbs a library already mapped.
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (Files.size(tmp) != size) {
                throw new IOException("copied " + Files.size(tmp) + " bytes of " + size + " from " + resource);
            }
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return dir;
    }

    /** {@code base}, made if missing, refused unless this user owns it and nobody else can write in it. */
    private static Path ownerOnlyDir(Path base) throws IOException {
        if (!Files.exists(base, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(base, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made by another server starting beside this one: checked below like any other
            }
        }
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(base + " is not a directory");
        }
        String me = System.getProperty("user.name");
        String owner = Files.getOwner(base, LinkOption.NOFOLLOW_LINKS).getName();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(base, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me) || perms.contains(PosixFilePermission.GROUP_WRITE)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(base + " is owned by " + owner + " with " + PosixFilePermissions.toString(perms)
                    + "; it must be " + me + "'s and not writable by others");
        }
        return base;
    }
}
