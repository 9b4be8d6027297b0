package dev.corral.faults.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a checker found in one history.
 *
 * @param checker   the checker's name (the workload's)
 * @param verdict   valid, invalid (there are anomalies) or unknown (see {@code note})
 * @param counts    figures in insertion order: ops checked, lost, duplicated, ...
 * @param anomalies what is wrong, at most {@link Builder#MAX_ANOMALIES} of them (the counts give the totals)
 * @param note      why the verdict is unknown, or other remarks; null when there are none
 */
public record Result(String checker, Verdict verdict, Map<String, Long> counts, List<Anomaly> anomalies,
                     String note) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Result {
        counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        anomalies = List.copyOf(anomalies);
    }

    public boolean valid() {
        return verdict == Verdict.VALID;
    }

    public boolean unknown() {
        return verdict == Verdict.UNKNOWN;
    }

    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /** One line for a run report: {@code register VALID keys=5 ops=4012 ...}, then the first anomaly or the note. */
    public String summary() {
        StringBuilder s = new StringBuilder(checker).append(' ').append(verdict);
        counts.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
        if (!anomalies.isEmpty()) {
            s.append(" | first: ").append(anomalies.get(0).text());
        }
        if (note != null) {
            s.append(" | ").append(note);
        }
        return s.toString();
    }

    public ObjectNode toJsonNode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("checker", checker);
        n.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
        n.put("valid", valid());
        ObjectNode c = n.putObject("counts");
        counts.forEach(c::put);
        ArrayNode a = n.putArray("anomalies");
        for (Anomaly an : anomalies) {
            ObjectNode o = a.addObject();
            o.put("kind", an.kind());
            ArrayNode ev = o.putArray("events");
            an.events().forEach(ev::add);
            o.put("detail", an.detail());
        }
        n.put("note", note);
        return n;
    }

    public String toJson() {
        return toJsonNode().toString();
    }

    public static Builder builder(String checker) {
        return new Builder(checker);
    }

    /**
     * Collects a checker's findings. The verdict follows from them: any anomaly makes it invalid (an anomaly found is
     * certain even when other parts could not be judged); else a reason for doubt makes it unknown.
     */
    public static final class Builder {
        /** Histories of a long campaign can hold thousands of the same anomaly; the counts keep the totals. */
        public static final int MAX_ANOMALIES = 200;

        private final String checker;
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final List<Anomaly> anomalies = new ArrayList<>();
        private final Map<String, Long> anomaliesByKind = new LinkedHashMap<>();
        private final List<String> doubts = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Builder(String checker) {
            this.checker = checker;
        }

        public Builder count(String name, long value) {
            counts.put(name, value);
            return this;
        }

        public Builder add(String name, long delta) {
            counts.merge(name, delta, Long::sum);
            return this;
        }

        public Builder anomaly(Anomaly a) {
            anomaliesByKind.merge(a.kind(), 1L, Long::sum);
            if (anomalies.size() < MAX_ANOMALIES) {
                anomalies.add(a);
            }
            return this;
        }

        /** The history could not be fully judged, for this reason: unknown unless an anomaly is found. */
        public Builder doubt(String reason) {
            doubts.add(reason);
            return this;
        }

        public Builder note(String remark) {
            notes.add(remark);
            return this;
        }

        public Result build() {
            Verdict v = !anomaliesByKind.isEmpty() ? Verdict.INVALID
                    : !doubts.isEmpty() ? Verdict.UNKNOWN : Verdict.VALID;
            Map<String, Long> all = new LinkedHashMap<>(counts);
            anomaliesByKind.forEach((k, n) -> all.putIfAbsent(k, n));
            List<String> remarks = new ArrayList<>(doubts);
            remarks.addAll(notes);
            String note = remarks.isEmpty() ? null : remarks.stream().collect(Collectors.joining("; "));
            return new Result(checker, v, all, anomalies, note);
        }
    }
}
