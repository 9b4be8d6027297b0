package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories of a real register ({@link RegisterSimulator}) are linearizable; the same with one read made impossible
 * are not, and the anomaly names that read.
 */
class LinearizabilityRandomTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void smallValuesAndOneReadOfAValueNeverWritten() {
        for (long seed = 1; seed <= 300; seed++) {
            int processes = 2 + (int) (seed % 14);
            List<Op> history = new RegisterSimulator(seed, List.of("r0", "r1"), 5, 4).run(processes, 300);
            assertValid(seed, history);
            Op read = pickOkRead(history, new Random(seed), op -> true);
            if (read != null) {
                assertRefuted(seed, withValue(history, read, 1000L + seed), read);
            }
        }
    }

    /**
     * Unique values make a stale read certainly impossible: the read sees the value of a write that another write
     * followed, both completed before the read began. No search shortcut applies: the search itself must refute it.
     */
    @Test
    void uniqueValuesAndOneStaleRead() {
        int refuted = 0;
        for (long seed = 1; seed <= 300; seed++) {
            int processes = 2 + (int) (seed % 14);
            List<Op> history = new RegisterSimulator(seed, List.of("r0", "r1"), 0, 4).run(processes, 300);
            assertValid(seed, history);
            Planted stale = staleRead(history, new Random(seed));
            if (stale != null) {
                assertRefuted(seed, stale.history(), stale.read());
                refuted++;
            }
        }
        assertThat(refuted).as("histories with a stale read to plant").isGreaterThan(200);
    }

    @Test
    void thousandsOfOpsPerKeyWithFifteenProcessesTakeSeconds() {
        for (long seed = 1; seed <= 3; seed++) {
            List<Op> history = new RegisterSimulator(seed, List.of("r0"), 0, 1).run(15, 5000);
            long calls = history.stream().filter(Op::isInvoke).count();
            long start = System.nanoTime();
            Result r = checker.check(history);
            double valid = (System.nanoTime() - start) / 1e9;
            assertValid(seed, history);

            Planted stale = staleRead(history, new Random(seed));
            start = System.nanoTime();
            Result bad = checker.check(stale.history());
            double invalid = (System.nanoTime() - start) / 1e9;
            assertThat(bad.verdict()).as("seed %d: %s", seed, bad.summary()).isEqualTo(Verdict.INVALID);
            assertThat(bad.anomalies().get(0).events()).contains(stale.read().index());

            List<Op> small = new RegisterSimulator(seed, List.of("r0"), 5, 1).run(15, 5000);
            start = System.nanoTime();
            Result smallResult = checker.check(small);
            double smallValid = (System.nanoTime() - start) / 1e9;
            assertThat(smallResult.verdict()).as("seed %d: %s", seed, smallResult.summary()).isEqualTo(Verdict.VALID);
            System.out.printf("register seed %d, 15 processes: unique values: %d ops (%d info) linearizable in %.2fs"
                            + " (%.0f ops/s, %d configs), a stale read refuted in %.2fs (%d configs);"
                            + " values 0..4: %d ops (%d info) linearizable in %.2fs (%.0f ops/s)%n", seed, calls,
                    r.count("info"), valid, calls / valid, r.count("configs"), invalid, bad.count("configs"),
                    smallResult.count("ops"), smallResult.count("info"), smallValid,
                    smallResult.count("ops") / smallValid);
            assertThat(valid + invalid + smallValid).as("seconds, on a shared machine").isLessThan(60.0);
        }
    }

    private void assertValid(long seed, List<Op> history) {
        Result r = checker.check(history);
        assertThat(r.verdict()).as("seed %d: %s", seed, r.summary()).isEqualTo(Verdict.VALID);
    }

    private void assertRefuted(long seed, List<Op> history, Op read) {
        Result bad = checker.check(history);
        assertThat(bad.verdict()).as("seed %d, read %d: %s", seed, read.index(), bad.summary())
                .isEqualTo(Verdict.INVALID);
        assertThat(bad.anomalies()).as("seed %d: %s", seed, bad.summary()).singleElement()
                .satisfies(a -> assertThat(a.events()).contains(read.index()));
    }

    private static Op pickOkRead(List<Op> history, Random random, java.util.function.Predicate<Op> ok) {
        List<Op> reads = history.stream()
                .filter(o -> o.type() == Op.Type.OK && o.f().equals("read") && ok.test(o)).toList();
        return reads.isEmpty() ? null : reads.get(random.nextInt(reads.size()));
    }

    /** A history with one read's value changed, and that read's completion (as it was). */
    private record Planted(List<Op> history, Op read) {}

    /**
     * The history with one OK read's value replaced by that of a write w followed (after w completed) by an OK
     * write or cas v of the same key, v completing before the read's invoke. Null when there is no such triple.
     */
    private static Planted staleRead(List<Op> history, Random random) {
        List<Call> calls = Call.pair(history);
        List<Call> setters = calls.stream().filter(c -> c.ok() && !c.f().equals("read")).toList();
        List<Call> reads = new ArrayList<>(calls.stream().filter(c -> c.ok() && c.f().equals("read")).toList());
        java.util.Collections.shuffle(reads, random);
        for (Call read : reads) {
            for (Call later : setters) {
                if (!later.key().equals(read.key()) || later.completionIndex() > read.invokeIndex()) {
                    continue;
                }
                for (Call w : setters) {
                    if (w.f().equals("write") && w.key().equals(read.key())
                            && w.completionIndex() < later.invokeIndex() && !w.invoke().value().equals(read.result())) {
                        return new Planted(withValue(history, read.completion(), w.invoke().value()),
                                read.completion());
                    }
                }
            }
        }
        return null;
    }

    private static List<Op> withValue(List<Op> history, Op target, Object value) {
        List<Op> out = new ArrayList<>(history);
        out.set((int) target.index(), new Op(target.index(), target.process(), target.type(), target.f(),
                target.key(), value, target.time(), target.error()));
        return out;
    }
}
