package dev.corral.mesos.testmaster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.mesos.detect.MasterDetector;
import dev.corral.mesos.detect.MasterInfos;
import dev.corral.mesos.detect.StaticMaster;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.scheduler.SchedulerConnection;
import dev.corral.mesos.support.EventCollector;
import dev.corral.mesos.support.ZkTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/** Test masters electing a leader through json.info_ on a real ZooKeeper, and what clients see around it. */
class TestMasterElectionTest {

    private static final Duration SESSION = Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS);
    private static final SchedulerConnection.Settings FAST =
            new SchedulerConnection.Settings(Duration.ofMillis(50), Duration.ofMillis(500), 5, Duration.ofSeconds(5));

    @Test
    void theFirstMasterLeadsTheOtherRedirectsAndTakesOverWhenTheLeaderDies() throws Exception {
        ZkUrl zk = ZkUrl.parse("zk://" + ZkTarget.connectString() + ZkTarget.uniqueRoot("masters") + "/mesos");
        try (TestCluster cluster = new TestCluster(1, new Resources(1, 128), Duration.ofMillis(300));
             MasterDetector detector = new MasterDetector(zk, SESSION)) {
            TestMaster m1 = new TestMaster(TestMasterConfig.fast(0, Optional.of(zk), SESSION), cluster).start();
            await().atMost(Duration.ofSeconds(10)).until(m1::isLeading);
            TestMaster m2 = new TestMaster(TestMasterConfig.fast(0, Optional.of(zk), SESSION), cluster).start();
            assertThat(detector.await(Duration.ofSeconds(10))).contains(m1.info());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(
                        HttpRequest.newBuilder(URI.create("http://" + m2.endpoint() + "/api/v1/scheduler"))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(Call.getDefaultInstance().toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 307
                        && r.headers().firstValue("Location").orElse("").equals("//" + m1.endpoint() + "/api/v1/scheduler");
            });

            // GET /master/redirect (and /redirect): 307 to the leader's base, from either master.
            assertThat(redirectOf(m2, "/master/redirect")).isEqualTo("307 //" + m1.endpoint());
            assertThat(redirectOf(m2, "/redirect")).isEqualTo("307 //" + m1.endpoint());
            assertThat(redirectOf(m1, "/master/redirect")).isEqualTo("307 //" + m1.endpoint());

            // A client pointed at the standby follows the redirect to the leader.
            EventCollector c = new EventCollector(EventCollector.framework("redirected", 60));
            try (SchedulerConnection conn = new SchedulerConnection(new StaticMaster(m2.endpoint()), c, FAST)) {
                conn.start();
                c.subscribed(5000);
                assertThat(conn.endpoint()).hasValueSatisfying(u -> assertThat(u.getPort()).isEqualTo(m1.endpoint().port()));
            }

            // The leader dies: its znode goes, the standby leads, detection follows.
            m1.close();
            await().atMost(Duration.ofSeconds(10)).until(m2::isLeading);
            await().atMost(Duration.ofSeconds(10)).until(() -> detector.current().equals(Optional.of(m2.info())));
            assertThat(MasterInfos.endpoint(detector.current().orElseThrow())).isEqualTo(m2.endpoint());
            m2.close();
        }
    }

    private static String redirectOf(TestMaster m, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build().send(
                HttpRequest.newBuilder(URI.create("http://" + m.endpoint() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.headers().firstValue("Location").orElse("-");
    }

    @Test
    void aRecoveringMasterAnswers503AndTheClientBacksOffThenSubscribes() throws Exception {
        try (TestCluster cluster = new TestCluster(1, new Resources(1, 128), Duration.ofMillis(300));
             TestMaster m = new TestMaster(TestMasterConfig.fast(0, Optional.empty(), SESSION)
                     .withRecoveryDelay(Duration.ofMillis(1500)), cluster).start()) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + m.endpoint() + "/api/v1/scheduler"))
                            .header("Content-Type", "application/x-protobuf")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Call.getDefaultInstance().toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            EventCollector c = new EventCollector(EventCollector.framework("patient", 60));
            try (SchedulerConnection conn = new SchedulerConnection(new StaticMaster(m.endpoint()), c, FAST)) {
                conn.start();
                c.subscribed(10_000);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
            }
        }
    }

    @Test
    void theHeartbeatWatchdogDropsASilentStreamAndSubscribesAgain() throws Exception {
        // A fake master that sends SUBSCRIBED (heartbeat every 0.2 s) and then nothing, keeping the connection open.
        com.sun.net.httpserver.HttpServer fake = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 10);
        java.util.concurrent.atomic.AtomicInteger subscribes = new java.util.concurrent.atomic.AtomicInteger();
        fake.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        fake.createContext("/", ex -> {
            subscribes.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Mesos-Stream-Id", "s-" + subscribes.get());
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(dev.corral.mesos.scheduler.RecordIo.frame(Event.newBuilder()
                    .setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                            .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue("f"))
                            .setHeartbeatIntervalSeconds(0.2)).build().toByteArray()));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException ignored) {
                // test over
            }
        });
        fake.start();
        EventCollector c = new EventCollector(EventCollector.framework("watchdog", 60));
        try (SchedulerConnection conn = new SchedulerConnection(new StaticMaster(
                new dev.corral.mesos.detect.HostPort("127.0.0.1", fake.getAddress().getPort())), c, FAST)) {
            conn.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> subscribes.get() >= 2);
            assertThat(c.disconnects).anySatisfy(d -> assertThat(d).contains("heartbeat watchdog"));
        } finally {
            fake.stop(0);
        }
    }
}
