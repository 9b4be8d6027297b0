package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/** The unique-ids workload: sequential creates must never return the same name to two OK generates. */
public final class UniqueIdsChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("generate");

    @Override
    public String name() {
        return "unique-ids";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        Map<String, List<Call>> byName = new LinkedHashMap<>();
        long info = 0;
        long fail = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            if (c.ok()) {
                byName.computeIfAbsent(String.valueOf(c.result()), k -> new ArrayList<>()).add(c);
            } else if (c.failed()) {
                fail++;
            } else {
                info++;
            }
        }
        long generated = byName.values().stream().mapToLong(List::size).sum();
        long duplicated = 0;
        for (Map.Entry<String, List<Call>> e : byName.entrySet()) {
            List<Call> same = e.getValue();
            if (same.size() > 1) {
                duplicated++;
                r.anomaly(Anomaly.of("duplicated", same.size() + " OK generates returned " + e.getKey(),
                        Values.indexes(same.toArray(Call[]::new))));
            }
        }
        r.count("ok", generated).count("info", info).count("fail", fail).count("distinct", byName.size())
                .count("duplicated", duplicated);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        return r.build();
    }
}
