package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The set workload: unique elements added, then one final read after every fault healed. Lost: an OK add absent from
 * the final read. Unexpected: an element read that no add invoked. Present after a failed add: an element whose every
 * add FAILed, which by contract certainly did not happen. INFO adds may be either way; present ones are "recovered".
 */
public final class SetChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("add", "read");

    @Override
    public String name() {
        return "set";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        Map<Long, Call> adds = new HashMap<>();
        Map<Long, Boolean> onlyFailed = new HashMap<>();
        Call finalRead = null;
        long ok = 0;
        long info = 0;
        long fail = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            switch (c.f()) {
                case "add" -> {
                    long e = Values.asLong(c.invoke().value(), c.invokeIndex());
                    adds.merge(e, c, (a, b) -> a.ok() || (!b.ok() && !a.failed()) ? a : b);
                    onlyFailed.merge(e, c.failed(), Boolean::logicalAnd);
                    if (c.ok()) {
                        ok++;
                    } else if (c.failed()) {
                        fail++;
                    } else {
                        info++;
                    }
                }
                case "read" -> {
                    if (c.ok() && (finalRead == null || c.completionIndex() > finalRead.completionIndex())) {
                        finalRead = c;
                    }
                }
            }
        }
        r.count("adds", ok + info + fail).count("ok", ok).count("info", info).count("fail", fail);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        if (finalRead == null) {
            return r.doubt("no OK final read: nothing to judge").build();
        }
        Set<Long> read = new HashSet<>(Values.asLongs(finalRead.result(), finalRead.completionIndex()));
        r.count("read", read.size());
        long lost = 0;
        long recovered = 0;
        long late = 0;
        List<Map.Entry<Long, Call>> byInvoke = adds.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().invokeIndex())).toList();
        for (Map.Entry<Long, Call> e : byInvoke) {
            Call add = e.getValue();
            boolean present = read.contains(e.getKey());
            if (add.ok() && !present) {
                if (add.completionIndex() > finalRead.invokeIndex()) {
                    late++; // still in flight when the read began: absence proves nothing
                    continue;
                }
                lost++;
                r.anomaly(Anomaly.of("lost", "element " + e.getKey() + " added OK (" + add.describe()
                        + ") is absent from the final read", Values.indexes(add, finalRead)));
            } else if (add.indeterminate() && present) {
                recovered++;
            } else if (present && onlyFailed.get(e.getKey())) {
                r.anomaly(Anomaly.of("present-after-fail", "element " + e.getKey() + " is in the final read but its"
                        + " add failed (" + add.describe() + ")", Values.indexes(add, finalRead)));
            }
        }
        long unexpected = 0;
        for (long e : read.stream().sorted().toList()) {
            if (!adds.containsKey(e)) {
                unexpected++;
                r.anomaly(Anomaly.of("unexpected", "element " + e + " is in the final read but no add invoked it",
                        finalRead.events()));
            }
        }
        r.count("lost", lost).count("unexpected", unexpected).count("recovered", recovered);
        if (late > 0) {
            r.count("ok-after-read-began", late);
        }
        return r.build();
    }
}
