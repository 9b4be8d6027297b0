package dev.corral.server.metrics;

import dev.corral.server.config.MonitoringConfig;
import dev.corral.server.http.HttpEndpoint;
import dev.corral.server.http.HttpReply;
import dev.corral.server.monitor.Membership;
import dev.corral.server.pipeline.RequestProcessor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} in the Prometheus text format, written by the Prometheus Java client library and served over
 * Netty HTTP on {@code metricsProvider.httpHost:httpPort}, as ZooKeeper's PrometheusMetricsProvider serves it.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    /** Scrapes wait for the processor's figures: on a thread of their own, never the HTTP event loop. */
    private final ExecutorService scraper = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("corral-metrics-scrape", true));
    private final HttpEndpoint endpoint;

    public MetricsServer(MonitoringConfig settings, RequestProcessor processor, Membership member)
            throws InterruptedException {
        registry.register(new ServerCollector(processor, member));
        if (settings.exportJvmInfo()) {
            JvmMetrics.builder().register(registry);
        }
        try {
            endpoint = new HttpEndpoint("metrics", settings.metricsHost(), settings.metricsPort(), request ->
                    request.path().equals("/metrics")
                            ? CompletableFuture.supplyAsync(this::scrape, scraper)
                            : CompletableFuture.completedFuture(HttpReply.text(404, "text/plain", "Not Found\n")));
        } catch (RuntimeException | InterruptedException e) {
            scraper.shutdownNow();
            throw e;
        }
        LOG.info("Prometheus /metrics on {}:{}", settings.metricsHost(), endpoint.port());
    }

    public int port() {
        return endpoint.port();
    }

    private HttpReply scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HttpReply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }

    @Override
    public void close() {
        endpoint.close();
        scraper.shutdownNow();
    }
}
