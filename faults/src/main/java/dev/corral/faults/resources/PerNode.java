package dev.corral.faults.resources;

import dev.corral.faults.cluster.Cluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Samples grouped by member, in member order, and a trend made of each member's group (the samplers' reports). */
final class PerNode {
    private PerNode() {
    }

    /** {@code trend} of each member's samples, by member name; members whose trend is null (too few) left out. */
    static <S, T> Map<String, T> trends(Cluster cluster, List<S> samples, Function<S, String> node,
                                        BiFunction<String, List<S>, T> trend) {
        Map<String, List<S>> byNode = new LinkedHashMap<>();
        cluster.nodes().forEach(n -> byNode.put(n.toString(), new ArrayList<>()));
        samples.forEach(s -> byNode.computeIfAbsent(node.apply(s), k -> new ArrayList<>()).add(s));
        Map<String, T> out = new LinkedHashMap<>();
        byNode.forEach((name, group) -> {
            T t = trend.apply(name, group);
            if (t != null) {
                out.put(name, t);
            }
        });
        return out;
    }
}
