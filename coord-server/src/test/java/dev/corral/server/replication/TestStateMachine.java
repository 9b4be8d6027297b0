package dev.corral.server.replication;

import java.util.concurrent.CountDownLatch;

import dev.corral.zab.Txn;
import dev.corral.zab.Zxid;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A peer's state machine in the tests: the committed payloads in order (it stands for a durable store, so it survives
 * a "restart" of its peer). Also the SnapshotSource/SnapshotSink of that peer: a snapshot is a directory with the
 * payloads file, a small meta file and a padding file in a subdirectory (so transfers have several files and chunks).
 */
final class TestStateMachine implements CommitListener, SnapshotSource, SnapshotSink {

    private final Path scratch;
    private final List<byte[]> applied = new ArrayList<>();
    /** The thread each entry of {@link #applied} was handed over on. */
    private final List<String> appliedOn = new ArrayList<>();
    private long lastCounter;
    private int checkpoints;

    TestStateMachine(Path scratch) {
        this.scratch = scratch;
    }

    /** When set, each apply first waits for it (on the caller's thread: the driver's). */
    volatile CountDownLatch applyGate;

    @Override
    public void onCommit(Txn txn) {
        CountDownLatch gate = applyGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        record(txn);
    }

    private synchronized void record(Txn txn) {
        if (txn.counter() != lastCounter + 1) {
            throw new AssertionError("commit " + txn.zxid() + " after counter " + lastCounter);
        }
        applied.add(txn.payload());
        appliedOn.add(Thread.currentThread().getName());
        lastCounter = txn.counter();
    }

    synchronized long appliedCounter() {
        return lastCounter;
    }

    synchronized List<String> history() {
        List<String> out = new ArrayList<>(applied.size());
        for (byte[] p : applied) {
            out.add(new String(p, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The thread that handed over the entry whose payload is {@code payload}, or null. */
    synchronized String appliedOn(String payload) {
        List<String> h = history();
        int i = h.indexOf(payload);
        return i < 0 ? null : appliedOn.get(i);
    }

    synchronized int size() {
        return applied.size();
    }

    @Override
    public synchronized Path checkpoint(Zxid at) throws IOException {
        if (at.counter() != lastCounter) {
            throw new AssertionError("asked for a snapshot at " + at + " but applied " + lastCounter);
        }
        Path dir = scratch.resolve("checkpoint-" + (++checkpoints) + "-" + at.counter());
        Files.createDirectories(dir.resolve("sub"));
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("payloads")))) {
            out.writeInt(applied.size());
            for (byte[] p : applied) {
                out.writeInt(p.length);
                out.write(p);
            }
        }
        Files.writeString(dir.resolve("meta"), at.epoch() + ":" + at.counter());
        byte[] padding = new byte[10_000 + (int) (at.counter() % 1000)];
        Arrays.fill(padding, (byte) at.counter());
        Files.write(dir.resolve("sub").resolve("padding"), padding);
        return dir;
    }

    @Override
    public synchronized void install(Zxid at, Path dir) throws IOException {
        String meta = Files.readString(dir.resolve("meta"));
        if (!meta.equals(at.epoch() + ":" + at.counter())) {
            throw new IOException("snapshot meta " + meta + " is not " + at);
        }
        List<byte[]> state = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("payloads")))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                byte[] p = new byte[in.readInt()];
                in.readFully(p);
                state.add(p);
            }
        }
        if (state.size() != at.counter()) {
            throw new IOException("snapshot holds " + state.size() + " txns, expected " + at.counter());
        }
        applied.clear();
        applied.addAll(state);
        lastCounter = at.counter();
    }
}
