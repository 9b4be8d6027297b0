package dev.corral.server.storage;

import dev.corral.server.lifecycle.FatalStop;
import dev.corral.server.tree.ApplyTxn;
import dev.corral.server.tree.TreeBootstrap;
import java.nio.file.Path;

/**
 * A child process for {@link StoreDiskFullExitTest}: fills a tree store (durable by flushes, as an ensemble member's
 * is) on a small file system until a write fails, then stops the way a server does ({@link FatalStop}). {@code
 * args}: the directory.
 */
public final class DiskFullProbe {
    private DiskFullProbe() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        FatalStop.arm();
        byte[] data = new byte[8192];
        new java.util.Random(1).nextBytes(data);   // incompressible: the disk fills at the expected rate
        RocksZnodeStore store = RocksZnodeStore.open(dir.resolve("tree"),
                StoreOptions.defaults().withoutWriteAheadLog().withWriteBufferBytes(1 << 20));
        TreeBootstrap.ensure(store);
        long zxid = 0;
        try {
            while (true) {
                zxid++;
                ApplyTxn.apply(store, zxid, ApplyTxn.create("/n" + zxid, data));
                if (zxid % 20 == 0) {
                    store.commit(store.batch().setLastZxid(zxid), true);   // the flush a synced commit is
                }
            }
        } catch (RuntimeException e) {
            FatalStop.halt("probe: store failed", e);
        }
    }
}
