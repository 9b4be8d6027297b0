package dev.corral.mesos.scheduler;

import dev.corral.mesos.detect.HostPort;
import dev.corral.mesos.detect.MasterInfos;
import dev.corral.mesos.detect.MasterSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos v1 scheduler HTTP API client ({@code POST /api/v1/scheduler}, protobuf bodies; no libmesos).
 *
 * <p>One thread keeps a subscription alive: find the leading master, send SUBSCRIBE, follow 307 redirects to the
 * leader named in {@code Location}, back off exponentially on 503 (no leader yet, or still recovering) and on
 * connection errors, then read the RecordIO event stream and remember its {@code Mesos-Stream-Id}, which every other
 * call must carry. A watchdog closes the stream when no event (HEARTBEATs included) arrived for
 * {@code missedHeartbeats} heartbeat intervals, so a silently dead master is noticed; then the loop subscribes again,
 * asking the handler for a fresh SUBSCRIBE call (it may carry a FrameworkID by then).
 */
public final class SchedulerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerConnection.class);
    public static final String STREAM_ID = "Mesos-Stream-Id";
    static final String PROTOBUF = "application/x-protobuf";
    private static final int MAX_REDIRECTS = 5;

    /** What the owner of the connection supplies and is told. Callbacks run on the connection's thread, in order. */
    public interface Handler {
        Call subscribeCall();

        void received(Event event);

        void disconnected(String reason);
    }

    /** Timing knobs; {@link #defaults()} suits a real cluster, tests shorten them. */
    public record Settings(Duration minBackoff, Duration maxBackoff, int missedHeartbeats, Duration requestTimeout) {
        public static Settings defaults() {
            return new Settings(Duration.ofMillis(200), Duration.ofSeconds(10), 5, Duration.ofSeconds(10));
        }
    }

    private final MasterSource masters;
    private final Handler handler;
    private final Settings settings;
    private final HttpClient http;
    private final ScheduledExecutorService watchdog;
    private final Thread loop;
    private volatile boolean closed;
    private volatile Optional<String> streamId = Optional.empty();
    private volatile Optional<URI> endpoint = Optional.empty();
    private volatile InputStream stream;
    private volatile long lastEventNanos;
    private volatile long heartbeatNanos = TimeUnit.SECONDS.toNanos(15);
    private volatile String closeReason;

    public SchedulerConnection(MasterSource masters, Handler handler, Settings settings) {
        this.masters = masters;
        this.handler = handler;
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // 307s are handled here, with a bound and a log line
                .connectTimeout(settings.requestTimeout())
                .build();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, "mesos-subscription");
        this.loop.setDaemon(true);
    }

    public void start() {
        loop.start();
        watchdog.scheduleWithFixedDelay(this::checkHeartbeat, 100, 100, TimeUnit.MILLISECONDS);
    }

    public Optional<String> streamId() {
        return streamId;
    }

    public Optional<URI> endpoint() {
        return endpoint;
    }

    public static URI schedulerUri(MasterInfo master) {
        HostPort hp = MasterInfos.endpoint(master);
        return URI.create("http://" + hp.host() + ":" + hp.port() + "/api/v1/scheduler");
    }

    /** Sends a call on the current subscription's stream; throws if there is none. */
    public CallResult send(Call call) throws IOException, InterruptedException {
        URI uri = endpoint.orElseThrow(() -> new IllegalStateException("Not subscribed"));
        String id = streamId.orElseThrow(() -> new IllegalStateException("Not subscribed"));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", PROTOBUF)
                .header("Accept", PROTOBUF)
                .header(STREAM_ID, id)
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            LOG.warn("{} answered {} {}", call.getType(), response.statusCode(), response.body());
        }
        return new CallResult(response.statusCode(), response.body());
    }

    private void run() {
        Duration backoff = settings.minBackoff();
        while (!closed) {
            try {
                Optional<MasterInfo> master = masters.current();
                if (master.isEmpty()) {
                    master = waitForMaster();
                    if (master.isEmpty()) {
                        continue;
                    }
                }
                URI uri = schedulerUri(master.get());
                HttpResponse<InputStream> response = subscribe(uri);
                for (int redirects = 0; response.statusCode() == 307 && redirects < MAX_REDIRECTS; redirects++) {
                    String location = response.headers().firstValue("Location").orElseThrow(
                            () -> new IOException("307 without Location"));
                    response.body().close();
                    uri = uri.resolve(location); // Mesos answers "//host:port/path": keep our scheme
                    LOG.info("Redirected to the leading master at {}", uri);
                    response = subscribe(uri);
                }
                int status = response.statusCode();
                if (status == 200) {
                    backoff = settings.minBackoff();
                    consume(uri, response);
                    continue;
                }
                String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                if (status == 503) {
                    LOG.info("Master at {} unavailable (503 {}); backing off {} ms", uri, body.trim(), backoff.toMillis());
                } else {
                    LOG.warn("SUBSCRIBE to {} answered {} {}", uri, status, body.trim());
                    handler.disconnected("SUBSCRIBE answered " + status + ": " + body.trim());
                }
            } catch (IOException e) {
                LOG.info("Cannot reach the master: {}; backing off {} ms", e.toString(), backoff.toMillis());
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                Thread.interrupted(); // A late watchdog interrupt: keep going.
            } catch (RuntimeException e) {
                LOG.error("Subscription loop error", e);
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff.multipliedBy(2);
        }
    }

    private Optional<MasterInfo> waitForMaster() throws InterruptedException {
        try {
            return masters.detect(Optional.empty()).get(settings.maxBackoff().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("No leading master detected yet");
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            sleep(settings.maxBackoff());
            return Optional.empty();
        }
    }

    private HttpResponse<InputStream> subscribe(URI uri) throws IOException, InterruptedException {
        Call call = handler.subscribeCall();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", PROTOBUF)
                .header("Accept", PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray()))
                .build();
        // No request timeout: the response body is the long-lived event stream.
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private void consume(URI uri, HttpResponse<InputStream> response) {
        streamId = response.headers().firstValue(STREAM_ID);
        endpoint = Optional.of(uri);
        stream = response.body();
        closeReason = null;
        lastEventNanos = System.nanoTime();
        LOG.info("Subscribed at {} with stream {}", uri, streamId.orElse("?"));
        String reason = "stream ended";
        try {
            RecordIo.Reader reader = new RecordIo.Reader(stream);
            Optional<byte[]> record;
            while (!closed && (record = reader.next()).isPresent()) {
                lastEventNanos = System.nanoTime();
                Event event = Event.parseFrom(record.get());
                if (event.getType() == Event.Type.SUBSCRIBED && event.getSubscribed().hasHeartbeatIntervalSeconds()) {
                    heartbeatNanos = (long) (event.getSubscribed().getHeartbeatIntervalSeconds() * 1e9);
                }
                handler.received(event);
            }
        } catch (IOException e) {
            reason = closeReason != null ? closeReason : "stream broken: " + e;
        } finally {
            streamId = Optional.empty();
            endpoint = Optional.empty();
            closeQuietly(stream);
            stream = null;
        }
        if (closeReason != null) {
            reason = closeReason;
            Thread.interrupted(); // The watchdog's interrupt was for the read, not for the loop.
        }
        LOG.warn("Disconnected from {}: {}", uri, reason);
        if (!closed) {
            handler.disconnected(reason);
        }
    }

    private void checkHeartbeat() {
        InputStream s = stream;
        if (s == null) {
            return;
        }
        long silent = System.nanoTime() - lastEventNanos;
        if (silent > heartbeatNanos * settings.missedHeartbeats()) {
            closeReason = "no event for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (heartbeat watchdog)";
            stream = null;
            closeQuietly(s);
            // Closing alone may not wake a reader blocked on the JDK's response queue; an interrupt does.
            loop.interrupt();
        }
    }

    private static void closeQuietly(InputStream s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing a broken stream is best effort.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(stream);
        loop.interrupt();
        watchdog.shutdownNow();
    }
}
