package dev.corral.server.storage;

import dev.corral.zab.HardState;
import dev.corral.zab.Ready;
import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Child process of {@link ZabLogCrashTest}: persists Readies of 1–40 entries (sync, one batch each), now and then with
 * new epochs and a truncation of the last few entries (as a new leader's TRUNC would), now and then a compaction;
 * after each persist has returned it prints acceptedEpoch and the log end, until it is killed (or a minute has passed).
 */
public final class ZabLogCrashWriter {

    static final String ACK = "durable ";

    private ZabLogCrashWriter() {
    }

    /** The payload of the entry at {@code counter} in {@code epoch}: self-describing, so a torn entry would show. */
    static byte[] payload(long epoch, long counter) {
        int size = (int) (16 + (counter * 37 + epoch) % 3000);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(epoch).putLong(counter);
        while (b.hasRemaining()) {
            b.put((byte) (counter * 31 + b.position()));
        }
        return b.array();
    }

    public static void main(String[] args) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (ZabLogStore store = ZabLogStore.open(Path.of(args[0]))) {
            while (System.nanoTime() < deadline) {
                HardState hs = null;
                Zxid trunc = null;
                Zxid last = store.lastZxid();
                long epoch = Math.max(1, store.hardState().currentEpoch());
                if (rnd.nextInt(20) == 0) {
                    epoch = store.hardState().acceptedEpoch() + 1;
                    hs = new HardState(epoch, epoch);
                    // A new leader's TRUNC: drop up to 3 entries past the base (they are re-written below).
                    long to = Math.max(store.base().counter(), last.counter() - rnd.nextInt(4));
                    trunc = store.zxidAt(to);
                    last = trunc;
                }
                List<Txn> entries = new ArrayList<>();
                int n = 1 + rnd.nextInt(40);
                for (long c = last.counter() + 1; c <= last.counter() + n; c++) {
                    entries.add(new Txn(new Zxid(epoch, c), payload(epoch, c)));
                }
                store.persist(new Ready(hs, trunc, null, entries, List.of(), List.of()));
                if (rnd.nextInt(25) == 0 && store.size() > 50) {
                    store.compact(store.zxidAt(store.lastZxid().counter() - 20));
                }
                HardState h = store.hardState();
                System.out.println(ACK + h.acceptedEpoch() + " " + store.lastZxid().epoch() + " "
                        + store.lastZxid().counter());
                System.out.flush();
            }
        }
    }
}
