package dev.corral.server.pipeline;

import java.util.Map;

/** One summary's figures for /metrics: count, sum and the quantiles ZooKeeper's Prometheus provider exports. */
public record SummaryFigure(String name, long count, long sum, Map<Double, Long> quantiles) {
}
