package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The lock workload. Mutual exclusion: a process holds the lock from its acquire's OK to the invoke of its next
 * release (a release recorded INFO "SUSPENDED"/"LOST" is invoked the moment the workload learned it lost the lock);
 * the holding intervals of different processes must not overlap. A holder whose incr ends INFO carries on under a
 * new process number the history does not link to the old one, so its interval is taken to end there: an overlap
 * after that point is missed rather than a release under the new number read as a second holder. The counter it
 * guards: OK incrs return distinct
 * values, and as the counter starts at 0 and only incrs that happened (OK or INFO) raise it, no incr can have seen
 * more than their number.
 */
public final class LockChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("acquire", "release", "incr");

    /** end: the event where the hold ends, Long.MAX_VALUE when it lasts to the end of the history. */
    private record Hold(int process, Call acquire, long end) {
        long start() {
            return acquire.completionIndex();
        }
    }

    @Override
    public String name() {
        return "lock";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        List<Hold> holds = new ArrayList<>();
        Map<Integer, Call> holding = new HashMap<>();
        Map<Long, List<Call>> incrByValue = new LinkedHashMap<>();
        long incrOk = 0;
        long incrInfo = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        long unmatchedReleases = 0;
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            switch (c.f()) {
                case "acquire" -> {
                    if (c.ok()) {
                        holding.put(c.process(), c);
                    }
                }
                case "release" -> {
                    if (c.failed()) {
                        continue; // it did not happen: the process still holds the lock
                    }
                    Call acquire = holding.remove(c.process());
                    if (acquire != null) {
                        holds.add(new Hold(c.process(), acquire, c.invokeIndex()));
                    } else {
                        unmatchedReleases++;
                    }
                }
                case "incr" -> {
                    Call acquire = c.indeterminate() ? holding.remove(c.process()) : null;
                    if (acquire != null) {
                        holds.add(new Hold(c.process(), acquire, c.completionIndex()));
                    }
                    if (c.ok()) {
                        incrOk++;
                        incrByValue.computeIfAbsent(Values.asLong(c.result(), c.completionIndex()),
                                k -> new ArrayList<>()).add(c);
                    } else if (c.indeterminate()) {
                        incrInfo++;
                    }
                }
            }
        }
        holding.forEach((p, acquire) -> holds.add(new Hold(p, acquire, Long.MAX_VALUE)));
        holds.sort(Comparator.comparingLong(Hold::start));
        long overlaps = 0;
        for (int i = 0; i < holds.size(); i++) {
            Hold a = holds.get(i);
            for (int j = i + 1; j < holds.size() && holds.get(j).start() < a.end(); j++) {
                Hold b = holds.get(j);
                if (b.process() != a.process()) {
                    overlaps++;
                    List<Long> events = new ArrayList<>();
                    events.add(a.acquire().completionIndex());
                    if (a.end() != Long.MAX_VALUE) {
                        events.add(a.end());
                    }
                    events.add(b.acquire().completionIndex());
                    r.anomaly(new Anomaly("overlap", events, "p" + b.process() + " acquired the lock at event "
                            + b.start() + " while p" + a.process() + " held it since event " + a.start()
                            + (a.end() == Long.MAX_VALUE ? " (never released)" : " until event " + a.end())));
                }
            }
        }
        long duplicated = 0;
        long maxValue = 0;
        for (Map.Entry<Long, List<Call>> e : incrByValue.entrySet()) {
            maxValue = Math.max(maxValue, e.getKey());
            if (e.getValue().size() > 1) {
                duplicated++;
                r.anomaly(Anomaly.of("duplicate-incr", e.getValue().size() + " OK incrs returned " + e.getKey(),
                        Values.indexes(e.getValue().toArray(Call[]::new))));
            }
        }
        if (maxValue > incrOk + incrInfo) {
            Call top = incrByValue.get(maxValue).get(0);
            r.anomaly(Anomaly.of("counter-too-high", top.describe() + ": the counter reached " + maxValue
                    + " but only " + incrOk + " OK and " + incrInfo + " INFO incrs can have raised it", top.events()));
        }
        r.count("holds", holds.size()).count("overlaps", overlaps).count("incr-ok", incrOk)
                .count("incr-info", incrInfo).count("counter", maxValue).count("duplicate-incrs", duplicated);
        if (unmatchedReleases > 0) {
            r.count("releases-without-acquire", unmatchedReleases);
        }
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        return r.build();
    }
}
