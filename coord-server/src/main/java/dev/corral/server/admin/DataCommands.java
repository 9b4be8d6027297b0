package dev.corral.server.admin;

import dev.corral.server.config.AdminDataConfig;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.http.HttpEndpoint;
import dev.corral.server.http.HttpReply;
import dev.corral.server.pipeline.RequestProcessor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot and restore commands, with ZooKeeper 3.9.5's checks in its order: the server serves, the
 * Authorization header is there (401), authenticates (401) and holds ALL on {@code /} (403), the command is enabled
 * (503), the rate limiter allows it (429). Error replies carry {@code "error": null} as ZooKeeper's do: only the
 * status tells them apart. The archive is Corral's own ({@code tree.TreeArchive}), not ZooKeeper's snapshot file.
 */
final class DataCommands implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataCommands.class);
    /** ZooDefs.Perms.ALL: what an admin command that reads or replaces the whole tree needs on the root. */
    private static final int ALL = 31;
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    private final ServerConfig config;
    private final AdminX509 x509;
    private final RequestProcessor processor;
    private final boolean ensemble;
    private final RateLimiter snapshotLimiter;
    private final RateLimiter restoreLimiter;
    /** Loading an archive reads the whole body and writes a store: never on the HTTP event loop. */
    private final ExecutorService loader = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("corral-admin-restore", true));
    private volatile long lastSnapshotZxid = -1;
    private volatile long lastSnapshotTime = -1;

    DataCommands(ServerConfig config, RequestProcessor processor, boolean ensemble) {
        this.config = config;
        this.processor = processor;
        this.ensemble = ensemble;
        this.x509 = new AdminX509(config);
        AdminDataConfig data = config.monitoring().adminData();
        // ZooKeeper builds the snapshot limiter with TimeUnit.MICROSECONDS and the restore limiter with
        // MILLISECONDS from the same admin.rateLimiterIntervalInMS: by default one snapshot per 300 ms and one
        // restore per five minutes. Corral keeps both figures.
        this.snapshotLimiter = new RateLimiter(1, data.rateLimiterIntervalMs() / 1000);
        this.restoreLimiter = new RateLimiter(1, data.rateLimiterIntervalMs());
    }

    /** The zxid and time (ms since the epoch) of the last snapshot this command took, -1 before any. */
    long lastSnapshotZxid() {
        return lastSnapshotZxid;
    }

    long lastSnapshotTime() {
        return lastSnapshotTime;
    }

    CompletableFuture<HttpReply> snapshot(HttpEndpoint.Request request) {
        return checked("snapshot", request, () -> {
            if (!request.method().equals("GET")) {
                return CompletableFuture.completedFuture(HttpReply.json(500,
                        Json.write(AdminCommands.wrongMethod("snapshot", request.method()))));
            }
            if (!config.monitoring().adminData().snapshotEnabled()) {
                LOG.warn("Snapshot command is disabled");
                return done(503, "snapshot", null, Map.of());
            }
            if (!snapshotLimiter.allow()) {
                LOG.warn("Snapshot request was rate limited");
                processor.admin().countEvent("snapshot_rate_limited_count");
                return done(429, "snapshot", null, Map.of());
            }
            boolean streaming = !request.query().containsKey("streaming")
                    || Boolean.parseBoolean(request.query().get("streaming"));
            return processor.admin().snapshot().handle((image, error) -> {
                if (error != null) {
                    LOG.warn("Exception occurred when taking the snapshot via the snapshot admin command", error);
                    processor.admin().countEvent("snapshot_error_count");
                    return reply(500, "snapshot", null, Map.of());
                }
                lastSnapshotZxid = image.lastZxid();
                lastSnapshotTime = System.currentTimeMillis();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("last_zxid", "0x" + Long.toHexString(image.lastZxid()));
                headers.put("snapshot_size", Long.toString(image.bytes().length));
                if (!streaming) {
                    return reply(200, "snapshot", null, headers);
                }
                return new HttpReply(200, "application/octet-stream", image.bytes(), headers);
            });
        });
    }

    CompletableFuture<HttpReply> restore(HttpEndpoint.Request request) {
        return checked("restore", request, () -> {
            if (!request.method().equals("POST")) {
                return CompletableFuture.completedFuture(HttpReply.json(500,
                        Json.write(AdminCommands.wrongMethod("restore", request.method()))));
            }
            if (!config.monitoring().adminData().restoreEnabled()) {
                LOG.warn("Restore command is disabled");
                return done(503, "restore", null, Map.of());
            }
            if (ensemble || !processor.admin().restorable()) {
                // ZooKeeper swaps the tree of the one server asked, leaving its ensemble diverged; Corral's
                // members apply the ZAB log over their tree, so a local swap would be undone or corrupt it.
                return done(501, "restore", "restore is only supported on a standalone server: an ensemble member's"
                        + " tree follows the replicated log (restore a standalone server, then let members sync"
                        + " from it)", Map.of());
            }
            if (!restoreLimiter.allow()) {
                LOG.warn("Restore request was rate limited");
                processor.admin().countEvent("restore_rate_limited_count");
                return done(429, "restore", null, Map.of());
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    long zxid = processor.admin().restore(
                            new BufferedInputStream(new ByteArrayInputStream(request.body())));
                    LOG.info("Restored the tree from an uploaded snapshot: last zxid 0x{}", Long.toHexString(zxid));
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("last_zxid", zxid);
                    return AdminCommands.json(200, "restore", fields, null);
                } catch (Exception e) {
                    LOG.warn("Exception occurred when restore snapshot via the restore command", e);
                    processor.admin().countEvent("restore_error_count");
                    return reply(500, "restore", null, Map.of());
                }
            }, loader);
        });
    }

    /** What runs once the server serves and the request holds ALL on the root. */
    private interface Guarded {
        CompletableFuture<HttpReply> run();
    }

    private CompletableFuture<HttpReply> checked(String name, HttpEndpoint.Request request, Guarded action) {
        return processor.figures().thenCompose(f -> {
            if (!f.serving()) {
                return done(200, name, NOT_SERVING, Map.of());
            }
            if (request.authorization() == null) {
                return done(401, name, "Auth info is missing for the command", Map.of());
            }
            List<Id> ids = AdminAuth.authenticate(request.authorization(), request.remoteIp(), config.superDigest(),
                    request.clientCertificates(), x509);
            if (ids == null || ids.isEmpty()) {
                return done(401, name, "Not authenticated", Map.of());
            }
            return processor.admin().access(ids, ALL, "/").thenCompose(access -> switch (access) {
                case GRANTED -> action.run();
                case NO_AUTH -> done(403, name, "Not authorized", Map.of());
                case NO_NODE -> done(500, name, "Error occurred during auth", Map.of());
            });
        });
    }

    private static CompletableFuture<HttpReply> done(int status, String name, String error,
                                                     Map<String, String> headers) {
        return CompletableFuture.completedFuture(reply(status, name, error, headers));
    }

    private static HttpReply reply(int status, String name, String error, Map<String, String> headers) {
        HttpReply r = AdminCommands.json(status, name, new LinkedHashMap<>(), error);
        return new HttpReply(r.status(), r.contentType(), r.body(), headers);
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
