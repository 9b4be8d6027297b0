package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The flood workload (overload): per key, blind writes of distinct values, then final reads on every member. A read
 * value must have been carried by a write of that key (or be the initial 0). And once the write of the value read
 * had completed OK, no OK write of that key may have been invoked and completed before the read began: that write
 * came later in real time, so the value read would have been overwritten for sure, and the acknowledged write is
 * lost. A value whose write was INFO (or never completed) may have taken effect at any time: always allowed.
 */
public final class FloodChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("write", "read");
    private static final long INITIAL = 0;

    @Override
    public String name() {
        return "flood";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        Map<String, Map<Long, Call>> writes = new TreeMap<>();
        Map<String, List<Call>> okWrites = new HashMap<>();
        List<Call> reads = new ArrayList<>();
        long ok = 0;
        long info = 0;
        long fail = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            if (c.f().equals("read")) {
                if (c.ok()) {
                    reads.add(c);
                }
                continue;
            }
            long v = Values.asLong(c.invoke().value(), c.invokeIndex());
            writes.computeIfAbsent(c.key(), k -> new HashMap<>())
                    .merge(v, c, (a, b) -> a.ok() || (!b.ok() && !a.failed()) ? a : b);
            if (c.ok()) {
                ok++;
                okWrites.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            } else if (c.failed()) {
                fail++;
            } else {
                info++;
            }
        }
        r.count("writes", ok + info + fail).count("ok", ok).count("info", info).count("fail", fail);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        if (reads.isEmpty()) {
            return r.doubt("no OK final read: nothing to judge").build();
        }
        r.count("reads", reads.size());
        long lost = 0;
        long unexpected = 0;
        for (Call read : reads) {
            Object value = read.result();
            Map<Long, Call> ofKey = writes.getOrDefault(read.key(), Map.of());
            if (!(value instanceof Number n) || (n.longValue() != INITIAL && !ofKey.containsKey(n.longValue()))) {
                unexpected++;
                r.anomaly(Anomaly.of("unexpected", "key " + read.key() + " reads " + value + ", which no write of it"
                        + " carried", read.events()));
                continue;
            }
            long f = n.longValue();
            Call source = ofKey.get(f);
            if (source != null && source.failed()) {
                r.anomaly(Anomaly.of("present-after-fail", "key " + read.key() + " reads " + f + ", whose write"
                        + " failed (" + source.describe() + ")", Values.indexes(source, read)));
                continue;
            }
            if (source != null && source.indeterminate()) {
                continue;   // may have taken effect at any time after its invoke
            }
            long completed = source == null ? -1 : source.completionIndex();   // the initial value: before all
            Call overwriter = null;
            for (Call w : okWrites.getOrDefault(read.key(), List.of())) {
                if (w.invokeIndex() > completed && w.completionIndex() < read.invokeIndex()
                        && (overwriter == null || w.invokeIndex() > overwriter.invokeIndex())) {
                    overwriter = w;
                }
            }
            if (overwriter != null) {
                lost++;
                r.anomaly(Anomaly.of("lost", "key " + read.key() + " reads " + f + (source == null ? " (initial)"
                        : " written by " + source.describe()) + ", but the later acknowledged " + overwriter.describe()
                        + " is gone", source == null ? Values.indexes(overwriter, read)
                        : Values.indexes(source, overwriter, read)));
            }
        }
        r.count("keys", writes.size()).count("lost", lost).count("unexpected", unexpected);
        return r.build();
    }
}
