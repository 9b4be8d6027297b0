package dev.corral.server.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/** The RocksDB database behind a closed store, opened directly: what is on disk, record by record. */
final class RawStore implements AutoCloseable {
    private final DBOptions options = new DBOptions();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;

    RawStore(Path dir) throws Exception {
        List<ColumnFamilyDescriptor> families = new ArrayList<>();
        families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (Cf cf : Cf.values()) {
            families.add(new ColumnFamilyDescriptor(cf.nameBytes));
        }
        db = RocksDB.open(options, dir.toString(), families, handles);
    }

    byte[] get(Cf cf, byte[] key) throws Exception {
        return db.get(handle(cf), key);
    }

    void put(Cf cf, byte[] key, byte[] value) throws Exception {
        db.put(handle(cf), key, value);
    }

    void delete(Cf cf, byte[] key) throws Exception {
        db.delete(handle(cf), key);
    }

    private ColumnFamilyHandle handle(Cf cf) {
        return handles.get(1 + cf.ordinal());               // 0 is "default"
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
    }
}
