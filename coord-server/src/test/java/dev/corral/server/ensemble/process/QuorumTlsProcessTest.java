package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.tls.TestCerts;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum TLS with real processes (issue 17): three Corral JVMs whose quorum connections are TLS with mutual
 * authentication (sslQuorum=true, ssl.quorum.* keys: each member reads a different store format), a plain speaker
 * and a member with the wrong trust store kept out, and the rolling switch from a plain to a TLS-only quorum through
 * portUnification under a write load.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class QuorumTlsProcessTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final String REFUSED = "refused a quorum connection from";

    @TempDir
    Path dir;

    /**
     * ssl.quorum.* keys for member {@code id}, whose stores differ in format by member: 1 has PKCS12 and JKS, 2 PEM
     * and PEM (no password), 3 PKCS12 and PKCS12. {@code otherCa}: its trust store holds another CA's certificate.
     */
    private static Map<String, String> quorumKeys(TestCerts certs, int id, boolean otherCa) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (id == 2) {
            keys.put("ssl.quorum.keyStore.location", certs.path("server.pem"));
            keys.put("ssl.quorum.trustStore.location", certs.path(otherCa ? "other-ca.pem" : "trust.pem"));
        } else {
            keys.put("ssl.quorum.keyStore.location", certs.path("server.p12"));
            keys.put("ssl.quorum.keyStore.password", TestCerts.PASSWORD);
            keys.put("ssl.quorum.trustStore.location", certs.path(otherCa ? "other-trust.p12"
                    : id == 1 ? "trust.jks" : "trust.p12"));
            keys.put("ssl.quorum.trustStore.password", TestCerts.PASSWORD);
        }
        return keys;
    }

    private static Map<String, String> with(Map<String, String> keys, String... pairs) {
        Map<String, String> out = new LinkedHashMap<>(keys);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /**
     * Whether a plain connection to {@code port} that says a well-formed HELLO as server {@code id} and then sends
     * heartbeats gets any answer within 3 s. A member that accepts plain peers answers every heartbeat; a TLS-only
     * member closes the connection without a byte. (Closing alone proves nothing: the genuine server {@code id}
     * redials at once when its connection is displaced, which closes this one.)
     */
    static boolean plainHelloIsAnswered(int port, int id) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(300);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(10); // length: type byte + 9 body bytes
            out.writeByte(1); // HELLO
            out.writeInt(0x43524c51); // magic "CRLQ"
            out.writeByte(2); // version
            out.writeInt(id);
            out.flush();
            InputStream in = s.getInputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                try {
                    out.writeInt(1); // heartbeat frame
                    out.writeByte(2);
                    out.flush();
                    return in.read() >= 0;
                } catch (SocketTimeoutException e) {
                    // open and silent: try again
                } catch (IOException e) {
                    return false; // reset
                }
            }
            return false;
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void write(ProcessEnsemble ensemble, int id, String path) throws Exception {
        try (ZooKeeper zk = ensemble.client(id, 10_000, null)) {
            zk.create(path, path.getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    @Test
    void threeMembersReplicateOverTlsAndKeepOutPlainAndUntrustedPeers(TestInfo info) throws Exception {
        TestCerts certs = TestCerts.shared();
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                ensemble.configure(id, with(quorumKeys(certs, id, false), "sslQuorum", "true"));
            }
            int leader = ensemble.startAll();
            for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                assertThat(ensemble.output(id)).contains("(TLS only)");
                write(ensemble, id, "/tls" + id);
            }
            ensemble.assertSameTrees(LONG);

            // A raw plain connection speaking the quorum protocol is closed, and logged once however often it tries.
            int follower = leader % 3 + 1;
            for (int i = 0; i < 5; i++) {
                assertThat(plainHelloIsAnswered(ensemble.quorumPort(follower), leader))
                        .as("plain HELLO to TLS-only member %d answered, attempt %d", follower, i).isFalse();
            }
            ensemble.await(() -> count(ensemble.output(follower), REFUSED) == 1, Duration.ofSeconds(10),
                    "one refusal logged");
            assertThat(count(ensemble.output(follower), REFUSED)).isEqualTo(1);

            // The leader dies: the two others elect over TLS and go on taking writes.
            ensemble.kill(leader);
            int second = ensemble.awaitStable(LONG);
            assertThat(second).isNotEqualTo(leader);
            write(ensemble, second, "/after-kill");
            write(ensemble, 6 - leader - second, "/after-kill-2");

            // The old leader comes back with a trust store of another CA: it cannot join (both ends refuse the
            // handshake), the other two keep serving, and it catches up once its trust store is right again.
            ensemble.configure(leader, with(quorumKeys(certs, leader, true), "sslQuorum", "true"));
            ensemble.start(leader);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            int n = 0;
            while (System.nanoTime() < until) {
                write(ensemble, second, "/while-untrusted-" + n++);
                assertThat(ensemble.mode(leader)).as("member with the wrong trust store").isEqualTo("not serving");
                Thread.sleep(500);
            }
            assertThat(ensemble.output(leader)).contains("TLS handshake failed");
            log("untrusted member: %d refusals logged by it", count(ensemble.output(leader), "refused"));
            assertThat(count(ensemble.output(leader), "connection to " + second + " at"))
                    .as("the untrusted member's log lines about one peer (no line per retry)").isLessThanOrEqualTo(3);
            for (int id : new int[] {second, 6 - leader - second}) {
                assertThat(count(ensemble.output(id), "connected to " + leader + " at"))
                        .as("server %d's lines about connecting to the untrusted member (no line per retry)", id)
                        .isLessThanOrEqualTo(2);
                assertThat(count(ensemble.output(id), "connection to " + leader + " at"))
                        .as("server %d's lines about the untrusted member", id).isLessThanOrEqualTo(3);
            }

            ensemble.kill(leader);
            ensemble.configure(leader, with(quorumKeys(certs, leader, false), "sslQuorum", "true"));
            ensemble.start(leader);
            ensemble.awaitMode(leader, "follower", LONG);
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(tree.keySet()).contains("/tls1", "/tls2", "/tls3", "/after-kill", "/after-kill-2",
                    "/while-untrusted-0", "/while-untrusted-" + (n - 1));
        }
    }

    /** {@code n} creates under {@code parent} through server {@code id}, pipelined, all acknowledged. */
    private static void creates(ProcessEnsemble ensemble, int id, String parent, int n) throws Exception {
        try (ZooKeeper zk = ensemble.client(id, 10_000, null)) {
            if (zk.exists(parent, false) == null) {
                zk.create(parent, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < n; i++) {
                zk.create(parent + "/n" + i, new byte[100], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT,
                        (rc, path, ctx, name) -> {
                            if (rc != 0) {
                                failed.incrementAndGet();
                            }
                            done.countDown();
                        }, null);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).as("%d creates answered", n).isTrue();
            assertThat(failed.get()).as("failed creates").isZero();
        }
    }

    /** A wiped member catches up by a snapshot, streamed over TLS (the log is trimmed every 100 txns). */
    @Test
    void wipedMemberCatchesUpBySnapshotOverTls(TestInfo info) throws Exception {
        TestCerts certs = TestCerts.shared();
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName(),
                java.util.List.of("-Dcorral.logTrimInterval=100"))) {
            for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                ensemble.configure(id, with(quorumKeys(certs, id, false), "sslQuorum", "true"));
            }
            int leader = ensemble.startAll();
            int follower = leader % 3 + 1;
            creates(ensemble, leader, "/before", 300);
            ensemble.kill(follower);
            ensemble.wipe(follower);
            creates(ensemble, leader, "/meanwhile", 300);
            ensemble.start(follower);
            ensemble.awaitMode(follower, "follower", LONG);
            assertThat(ensemble.output(follower)).contains("synced by SNAP").contains("received snapshot");
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            assertThat(tree).containsKeys("/before/n299", "/meanwhile/n299");
        }
    }

    @Test
    void rollingSwitchFromPlainToTlsOnlyLosesNoWrite(TestInfo info) throws Exception {
        TestCerts certs = TestCerts.shared();
        try (ProcessEnsemble ensemble = new ProcessEnsemble(dir, info.getTestMethod().orElseThrow().getName())) {
            int leader = ensemble.startAll();
            // The probe's control: a plain member answers a plain peer (the genuine one redials at once).
            assertThat(plainHelloIsAnswered(ensemble.quorumPort(leader), leader % 3 + 1)).isTrue();
            write(ensemble, leader, "/load");
            WriteLoad load = new WriteLoad(ensemble, "/load", 3, 8, 15_000).start();
            try {
                ensemble.await(() -> load.acknowledged.size() >= 100, LONG, "100 acknowledged creates");
                String[][] steps = {
                    {"a", "portUnification", "true"},
                    {"b", "portUnification", "true", "sslQuorum", "true"},
                    {"c", "sslQuorum", "true"},
                };
                for (String[] step : steps) {
                    for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                        String[] pairs = java.util.Arrays.copyOfRange(step, 1, step.length);
                        ensemble.kill(id);
                        ensemble.configure(id, with(quorumKeys(certs, id, false), pairs));
                        ensemble.start(id);
                        ensemble.awaitStable(LONG);
                        int before = load.acknowledged.size();
                        ensemble.await(() -> load.acknowledged.size() >= before + 50, LONG,
                                "50 more acknowledged creates after step " + step[0] + " on server " + id);
                        log("step %s, server %d: %d acknowledged, errors %s", step[0], id,
                                load.acknowledged.size(), load.errors);
                    }
                }
            } finally {
                load.stop();
            }
            for (int id = 1; id <= ProcessEnsemble.SIZE; id++) {
                assertThat(ensemble.output(id)).as("server %d", id).contains("(TLS only)");
                assertThat(plainHelloIsAnswered(ensemble.quorumPort(id), id % 3 + 1)).as("server %d", id).isFalse();
            }
            TreeMap<String, String> tree = ensemble.assertSameTrees(LONG);
            Set<String> present = tree.keySet().stream().filter(p -> p.startsWith("/load/"))
                    .collect(Collectors.toSet());
            assertThat(load.acknowledged).as("acknowledged creates missing").isSubsetOf(present);
            assertThat(present).as("nodes nobody created").isSubsetOf(load.attempted);
        }
    }
}
