package dev.corral.faults.workload;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The overload nemesis's lever on the flood workload. On: each flood thread saturates for {@link #MEASURE} to find
 * what the ensemble serves, then offers {@link #FACTOR} times that, open loop. Off: paced closed loop. Each turn-on
 * is a new epoch, so a thread still busy with an earlier one notices and starts over.
 */
public final class LoadSwitch {
    public static final Duration MEASURE = Duration.ofSeconds(10);
    public static final int FACTOR = 10;
    /** The campaign JVM's own bound on writes in flight: beyond it, an op due is skipped ("shed by the client"). */
    public static final int MAX_OUTSTANDING = 20_000;

    private volatile boolean on;
    private volatile int epoch;
    private final AtomicLong shed = new AtomicLong();
    private volatile Consumer<String> note = s -> { };
    private int reportedEpoch = -1;
    private int reports;
    private double capacity;

    public void turnOn() {
        epoch++;
        on = true;
    }

    public void turnOff() {
        on = false;
    }

    public boolean on() {
        return on;
    }

    int epoch() {
        return epoch;
    }

    /** Where the figures go (the phase's nemesis log). */
    public void onNote(Consumer<String> sink) {
        this.note = sink;
    }

    void note(String line) {
        note.accept(line);
    }

    void shedOne() {
        shed.incrementAndGet();
    }

    /** Ops the flood had due but did not issue because {@link #MAX_OUTSTANDING} were in flight. */
    public long shed() {
        return shed.get();
    }

    /** One thread's measured OK rate; once all {@code threads} have reported for the epoch, the sum is logged. */
    synchronized void reportCapacity(int forEpoch, int threads, double okPerSecond) {
        if (forEpoch != reportedEpoch) {
            reportedEpoch = forEpoch;
            reports = 0;
            capacity = 0;
        }
        capacity += okPerSecond;
        if (++reports == threads) {
            note(String.format(Locale.ROOT, "capacity %.0f ops/s; offering %.0f ops/s", capacity,
                    FACTOR * capacity));
        }
    }
}
