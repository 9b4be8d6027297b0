package dev.corral.server.storage;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.ZnodeStore;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Child process of {@link StoreCrashTest}: commits numbered batches with sync=true, printing each number once its
 * commit has returned, until it is killed (or a minute has passed, so that an orphan does not run forever).
 * Batch i writes {@link #NODES_PER_BATCH} nodes, their ephemerals index entries, a named long and zxid i.
 *
 * <p>With a second argument {@code no-wal}: a store without a WAL and with small memtables (so that RocksDB also
 * flushes on its own, mid-run), every batch committed unsynced and every {@link #SYNC_EVERY}th synced (a flush);
 * only the synced ones are printed.
 */
public final class CrashWriter {

    static final int NODES_PER_BATCH = 4;
    static final int DATA_BYTES = 3000;
    static final String ACK = "committed ";
    static final String NO_WAL = "no-wal";
    static final int SYNC_EVERY = 5;

    private CrashWriter() {
    }

    static String path(long batch, int node) {
        return String.format("/b%09d-%d", batch, node);
    }

    static byte[] data(long batch, int node) {
        byte[] data = new byte[DATA_BYTES];
        Arrays.fill(data, (byte) (batch * 31 + node));
        return data;
    }

    static StoreOptions options(boolean noWal) {
        return noWal ? StoreOptions.defaults().withWriteBufferBytes(1 << 20).withoutWriteAheadLog()
                : StoreOptions.defaults();
    }

    public static void main(String[] args) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        boolean noWal = args.length > 1 && args[1].equals(NO_WAL);
        try (RocksZnodeStore store = RocksZnodeStore.open(Path.of(args[0]), options(noWal))) {
            for (long i = store.lastZxid() + 1; System.nanoTime() < deadline; i++) {
                ZnodeStore.Batch b = store.batch();
                for (int n = 0; n < NODES_PER_BATCH; n++) {
                    String p = path(i, n);
                    b.putMeta(p, NodeMeta.created(i, i, DATA_BYTES, 1, NodeKind.EPHEMERAL, i, 0))
                            .putData(p, data(i, n))
                            .addEphemeral(i, p);
                }
                b.putMetaLong("batch", i).setLastZxid(i);
                boolean sync = !noWal || i % SYNC_EVERY == 0;
                store.commit(b, sync);
                if (sync) {
                    System.out.println(ACK + i);         // stdout also carries log lines
                    System.out.flush();
                }
            }
        }
    }
}
