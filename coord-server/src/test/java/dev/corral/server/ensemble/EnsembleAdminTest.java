package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.server.config.MonitoringConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminServer and /metrics of a three-member ensemble (in-process, every member on its own free ports): who
 * leads, ZAB state, the voting view, /ready while serving and once the quorum is lost.
 */
class EnsembleAdminTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(int port, String path) throws Exception {
        return JSON.readTree(get(port, path).body());
    }

    /** request_leadership / yield_leadership (rqld / ydld) over HTTP move leadership between members. */
    @Test
    void leadershipCommandsMoveLeadership() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3,
                c -> c.withMonitoring(MonitoringConfig.admin("127.0.0.1", 0)))) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(60)).until(() -> ensemble.leader() > 0 && ensemble.allActive());
            int leader = ensemble.leader();
            int target = leader == 1 ? 2 : 1;
            JsonNode asked = json(ensemble.running[target].adminPort(), "/commands/rqld");
            assertThat(asked.get("command").asText()).isEqualTo("request_leadership");
            assertThat(asked.get("sent").asBoolean()).isTrue();
            assertThat(asked.get("error").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> ensemble.leader() == target && ensemble.allActive());

            JsonNode yielded = json(ensemble.running[target].adminPort(), "/commands/yield_leadership");
            assertThat(yielded.get("sent").asBoolean()).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> ensemble.leader() > 0 && ensemble.leader() != target
                    && ensemble.allActive());
        }
    }

    @Test
    void membersReportLeaderStateAndReadiness() throws Exception {
        try (LocalEnsemble ensemble = new LocalEnsemble(dir, 3,
                c -> c.withMonitoring(MonitoringConfig.admin("127.0.0.1", 0).withMetrics("127.0.0.1", 0)))) {
            ensemble.startAll();
            await().atMost(Duration.ofSeconds(60)).until(() -> ensemble.leader() > 0 && ensemble.allActive());
            int leader = ensemble.leader();
            // Writes through every member: each times them to their commit (mntr's updatelatency).
            for (int id = 1; id <= 3; id++) {
                try (org.apache.zookeeper.ZooKeeper zk = dev.corral.server.it.Servers.connect(
                        "127.0.0.1:" + ensemble.running[id].port(), 30000, null)) {
                    zk.create("/w" + id, null, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            org.apache.zookeeper.CreateMode.PERSISTENT);
                }
            }
            for (int id = 1; id <= 3; id++) {
                int admin = ensemble.running[id].adminPort();
                assertThat(get(admin, "/ready").statusCode()).as("ready " + id).isEqualTo(200);
                JsonNode lead = json(admin, "/commands/leader");
                assertThat(lead.get("error").isNull()).isTrue();
                assertThat(lead.get("is_leader").asBoolean()).as("is_leader " + id).isEqualTo(id == leader);
                assertThat(lead.get("leader_id").asInt()).isEqualTo(leader);
                assertThat(lead.get("leader_ip").asText()).isEqualTo("127.0.0.1");
                JsonNode zab = json(admin, "/commands/zabstate");
                assertThat(zab.get("zabstate").asText()).isEqualTo("broadcast");
                assertThat(zab.get("voting").asBoolean()).isTrue();
                assertThat(zab.get("myid").asInt()).isEqualTo(id);
                assertThat(json(admin, "/commands/voting_view").get("current_config").size()).isEqualTo(3);
                assertThat(json(admin, "/commands/srvr").at("/server_stats/server_state").asText())
                        .isEqualTo(id == leader ? "leader" : "follower");
                JsonNode mntr = json(admin, "/commands/mntr");
                assertThat(mntr.get("cnt_updatelatency").asLong()).as("updatelatency on " + id).isPositive();
                // ZooKeeper's leader-only fields, on the leader only.
                assertThat(mntr.has("synced_followers")).as("synced_followers on " + id).isEqualTo(id == leader);
                if (id == leader) {
                    assertThat(mntr.get("learners").asInt()).isEqualTo(2);
                    assertThat(mntr.get("synced_followers").asInt()).isEqualTo(2);
                    assertThat(mntr.get("leader_uptime").asLong()).isPositive();
                    assertThat(mntr.has("max_proposal_size")).isTrue();
                }
                String metrics = get(ensemble.running[id].metricsPort(), "/metrics").body();
                assertThat(metrics).contains("\ncorral_zab_log_fsyncs_total ");
                assertThat(metrics).contains("\ncorral_zab_log_bytes_total ", "\ncorral_zab_log_syncs_total ",
                        "\ncorral_zab_log_sync_time_ms_total ");
                assertThat(metrics.contains("\nsynced_followers 2.0")).as("synced_followers on " + id)
                        .isEqualTo(id == leader);
                assertThat(metrics.contains("\nquorum_size 3.0")).as("quorum_size on " + id).isEqualTo(id == leader);
            }
            // A member snapshots its own tree; restore is refused (a member's tree follows the replicated log).
            int follower = leader == 1 ? 2 : 1;
            HttpResponse<byte[]> snap = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ensemble.running[follower].adminPort() + "/commands/snapshot"))
                    .header("Authorization", "digest any:one").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(snap.statusCode()).isEqualTo(200);
            assertThat(snap.headers().firstValue("last_zxid")).isPresent();
            HttpResponse<String> restore = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ensemble.running[leader].adminPort() + "/commands/restore"))
                    .header("Authorization", "digest any:one")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(snap.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(restore.statusCode()).isEqualTo(501);
            assertThat(JSON.readTree(restore.body()).get("error").asText()).contains("standalone");
            // Two members gone: the last one has no quorum, is no longer serving, and says so.
            int survivor = leader == 1 ? 2 : 1;
            for (int id = 1; id <= 3; id++) {
                if (id != survivor) {
                    ensemble.stop(id);
                }
            }
            int admin = ensemble.running[survivor].adminPort();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(admin, "/ready").statusCode() == 503);
            assertThat(json(admin, "/ready").get("ready").asBoolean()).isFalse();
            assertThat(json(admin, "/commands/zabstate").get("zabstate").asText()).isNotEqualTo("broadcast");
        }
    }
}
