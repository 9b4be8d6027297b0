package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The total-queue workload: unique elements enqueued, dequeued, and the rest drained at the end. Lost: an OK enqueue
 * neither dequeued OK nor drained, unless an INFO dequeue names it (that dequeue may have taken it). Duplicated: an
 * element dequeued or drained twice. Unexpected: dequeued or drained but never enqueued; present after a failed
 * enqueue: every enqueue of it FAILed, so by contract it never was. Order is not judged.
 */
public final class TotalQueueChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("enqueue", "dequeue", "drain");

    @Override
    public String name() {
        return "total-queue";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        Map<Long, Call> enqueues = new LinkedHashMap<>();
        Map<Long, Boolean> onlyFailed = new HashMap<>();
        Map<Long, List<Call>> taken = new LinkedHashMap<>();
        Set<Long> maybeTaken = new HashSet<>();
        List<Call> drains = new ArrayList<>();
        long enqOk = 0;
        long enqInfo = 0;
        long deqOk = 0;
        long deqInfo = 0;
        long drained = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            switch (c.f()) {
                case "enqueue" -> {
                    long e = Values.asLong(c.invoke().value(), c.invokeIndex());
                    enqueues.merge(e, c, (a, b) -> a.ok() || (!b.ok() && !a.failed()) ? a : b);
                    onlyFailed.merge(e, c.failed(), Boolean::logicalAnd);
                    enqOk += c.ok() ? 1 : 0;
                    enqInfo += c.indeterminate() ? 1 : 0;
                }
                case "dequeue" -> {
                    if (c.ok()) {
                        deqOk++;
                        taken.computeIfAbsent(Values.asLong(c.result(), c.completionIndex()), k -> new ArrayList<>())
                                .add(c);
                    } else if (c.indeterminate()) {
                        deqInfo++;
                        if (c.result() != null) {
                            maybeTaken.add(Values.asLong(c.result(), c.completionIndex()));
                        }
                    }
                }
                case "drain" -> {
                    if (c.ok()) {
                        drains.add(c);
                        for (long e : Values.asLongs(c.result(), c.completionIndex())) {
                            drained++;
                            taken.computeIfAbsent(e, k -> new ArrayList<>()).add(c);
                        }
                    }
                }
            }
        }
        long duplicated = 0;
        long unexpected = 0;
        long recovered = 0;
        for (Map.Entry<Long, List<Call>> e : taken.entrySet()) {
            long element = e.getKey();
            List<Call> by = e.getValue();
            Call enq = enqueues.get(element);
            if (by.size() > 1) {
                duplicated++;
                r.anomaly(Anomaly.of("duplicated", "element " + element + " taken " + by.size() + " times",
                        Values.indexes(by.toArray(Call[]::new))));
            }
            if (enq == null) {
                unexpected++;
                r.anomaly(Anomaly.of("unexpected", "element " + element + " taken but never enqueued",
                        Values.indexes(by.toArray(Call[]::new))));
            } else if (onlyFailed.get(element)) {
                r.anomaly(Anomaly.of("present-after-fail", "element " + element + " taken though its enqueue failed ("
                        + enq.describe() + ")", Values.indexes(enq, by.get(0))));
            } else if (enq.indeterminate()) {
                recovered++;
            }
        }
        long lost = 0;
        if (drains.isEmpty()) {
            r.doubt("no OK drain: lost elements cannot be judged");
        } else {
            for (Map.Entry<Long, Call> e : enqueues.entrySet()) {
                Call enq = e.getValue();
                if (enq.ok() && !taken.containsKey(e.getKey()) && !maybeTaken.contains(e.getKey())) {
                    lost++;
                    r.anomaly(Anomaly.of("lost", "element " + e.getKey() + " enqueued OK (" + enq.describe()
                            + ") was never dequeued nor drained", enq.events()));
                }
            }
        }
        r.count("enqueue-ok", enqOk).count("enqueue-info", enqInfo).count("dequeue-ok", deqOk)
                .count("dequeue-info", deqInfo).count("drained", drained).count("lost", lost)
                .count("duplicated", duplicated).count("unexpected", unexpected).count("recovered", recovered);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        return r.build();
    }
}
