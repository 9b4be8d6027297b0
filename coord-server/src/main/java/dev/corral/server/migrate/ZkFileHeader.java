package dev.corral.server.migrate;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;

/**
 * ZooKeeper's FileHeader record (int magic, int version = 2, long dbid), read and written here because Jute's class
 * for it lives in a server package that coord-server does not use.
 */
final class ZkFileHeader {
    static final int VERSION = 2;

    private ZkFileHeader() {
    }

    static void check(Path file, InputArchive ia, int magic, String what) throws IOException {
        int found = ia.readInt("magic");
        if (found != magic) {
            throw new MigrationException(file, "not a ZooKeeper " + what + " (magic 0x" + Integer.toHexString(found)
                    + ", expected 0x" + Integer.toHexString(magic) + ")");
        }
        int version = ia.readInt("version");
        if (version != VERSION) {
            throw new MigrationException(file, "unsupported " + what + " format version " + version);
        }
        ia.readLong("dbid");
    }

    static void write(OutputArchive oa, int magic, long dbid) throws IOException {
        oa.writeInt(magic, "magic");
        oa.writeInt(VERSION, "version");
        oa.writeLong(dbid, "dbid");
    }
}
