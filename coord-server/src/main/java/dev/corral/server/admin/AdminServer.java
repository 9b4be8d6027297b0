package dev.corral.server.admin;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.MonitoringConfig;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.http.HttpEndpoint;
import dev.corral.server.http.HttpReply;
import dev.corral.server.monitor.Membership;
import dev.corral.server.pipeline.RequestProcessor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's AdminServer over Netty's HTTP codec: {@code GET <commandURL>} lists the commands,
 * {@code <commandURL>/<name>} runs one; plus {@code /ready} for load balancers (200 while this member serves: the
 * leader, a follower synced with a leader, or a standalone server; 503 otherwise).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /**
     * The largest request body buffered (a restore's snapshot): a larger one is answered 413 from its Content-Length,
     * before anything is read. It bounds what an unauthenticated client can make the server buffer.
     */
    private static final int MAX_UPLOAD_BYTES = 256 << 20;

    private final HttpEndpoint endpoint;
    private final AdminCommands commands;

    /** Starts serving; {@code member} is null for a standalone server. */
    public AdminServer(ServerConfig config, IntSupplier clientPort, RequestProcessor processor, Membership member)
            throws InterruptedException, ConfigException {
        MonitoringConfig settings = config.monitoring();
        commands = new AdminCommands(config, clientPort, processor, member);
        String base = settings.commandUrl();
        endpoint = new HttpEndpoint("admin", settings.adminAddress(), settings.adminPort(), MAX_UPLOAD_BYTES,
                AdminSsl.of(config.adminTls()), config.adminTls().idleTimeoutMs(), request -> {
            String path = request.path();
            if (path.equals("/ready")) {
                return ready(processor);
            }
            if (path.equals(base) || path.equals(base + "/")) {
                return CompletableFuture.completedFuture(HttpReply.text(200, "text/html", list(base, commands)));
            }
            if (path.startsWith(base + "/")) {
                return commands.run(path.substring(base.length() + 1), request);
            }
            return CompletableFuture.completedFuture(HttpReply.text(404, "text/plain", "Not Found\n"));
        });
        LOG.info("AdminServer on {}:{}{} ({})", settings.adminAddress(), endpoint.port(), base,
                config.adminTls().forceHttps() ? "HTTPS" : config.adminTls().portUnification() ? "HTTP and HTTPS"
                        : "HTTP");
    }

    public int port() {
        return endpoint.port();
    }

    /** The list page in ZooKeeper's form: one link per command, each followed by a line break. */
    private static String list(String base, AdminCommands commands) {
        StringBuilder b = new StringBuilder();
        for (String name : commands.names()) {
            b.append("<a href=\"").append(base).append('/').append(name).append("\">").append(name)
                    .append("</a>\n<br/>\n");
        }
        return b.toString();
    }

    /** A processor that cannot answer within this is not ready either. */
    private static final long READY_TIMEOUT_MS = 2000;

    private static CompletableFuture<HttpReply> ready(RequestProcessor processor) {
        return processor.stats().completeOnTimeout(null, READY_TIMEOUT_MS, TimeUnit.MILLISECONDS).thenApply(s -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ready", s != null && s.serving());
            body.put("mode", s == null ? "unresponsive" : s.mode());
            return HttpReply.json(s != null && s.serving() ? 200 : 503, Json.write(body) + "\n");
        });
    }

    @Override
    public void close() {
        endpoint.close();
        commands.close();
    }
}
