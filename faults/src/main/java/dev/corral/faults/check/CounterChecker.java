package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The counter workload: adds of n children at once, reads of the number of children. An OK read must lie between
 * the sum of the OK adds completed before the read was invoked (they certainly happened, before it) and the sum of
 * the adds, OK or INFO, invoked before the read completed (only those can have happened before it). The final read is
 * judged the same way.
 */
public final class CounterChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("add", "read");

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        List<Call> certain = new ArrayList<>();
        List<Call> possible = new ArrayList<>();
        List<Call> reads = new ArrayList<>();
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            switch (c.f()) {
                case "add" -> {
                    if (c.ok()) {
                        certain.add(c);
                    }
                    if (!c.failed()) {
                        possible.add(c);
                    }
                }
                case "read" -> {
                    if (c.ok()) {
                        reads.add(c);
                    }
                }
            }
        }
        certain.sort(Comparator.comparingLong(Call::completionIndex));
        long[] certainAt = times(certain, true);
        long[] certainSum = sums(certain);
        long[] possibleAt = times(possible, false); // already in invoke order
        long[] possibleSum = sums(possible);
        long tooLow = 0;
        long tooHigh = 0;
        for (Call read : reads) {
            long value = Values.asLong(read.result(), read.completionIndex());
            long lower = certainSum[countBefore(certainAt, read.invokeIndex())];
            long upper = possibleSum[countBefore(possibleAt, read.completionIndex())];
            if (value < lower) {
                tooLow++;
                r.anomaly(Anomaly.of("too-low", read.describe() + ": adds of " + lower
                        + " had completed OK before it began", read.events()));
            } else if (value > upper) {
                tooHigh++;
                r.anomaly(Anomaly.of("too-high", read.describe() + ": only adds of " + upper
                        + " had been invoked (OK or INFO) before it completed", read.events()));
            }
        }
        r.count("adds-ok", certain.size()).count("adds-possible", possible.size()).count("reads", reads.size())
                .count("too-low", tooLow).count("too-high", tooHigh);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        return r.build();
    }

    private static long[] times(List<Call> adds, boolean completion) {
        return adds.stream().mapToLong(c -> completion ? c.completionIndex() : c.invokeIndex()).toArray();
    }

    /** sums[i]: the total n of the first i adds. */
    private static long[] sums(List<Call> adds) {
        long[] sums = new long[adds.size() + 1];
        for (int i = 0; i < adds.size(); i++) {
            Call c = adds.get(i);
            sums[i + 1] = sums[i] + Values.asLong(c.invoke().value(), c.invokeIndex());
        }
        return sums;
    }

    /** How many of the sorted times are below t. */
    private static int countBefore(long[] sorted, long t) {
        int i = Arrays.binarySearch(sorted, t);
        return i >= 0 ? i : -i - 1;
    }
}
