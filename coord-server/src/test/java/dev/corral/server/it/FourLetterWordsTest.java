package dev.corral.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four-letter words, compared field by field with ZooKeeper's output for the same state. */
class FourLetterWordsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void allowAllWords() {
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        // The provider ZooKeeperServerMain installs unless told otherwise: mntr prints its metrics.
        org.apache.zookeeper.server.ServerMetrics.metricsProviderInitialized(
                new org.apache.zookeeper.metrics.impl.DefaultMetricsProvider());
    }

    @AfterAll
    static void restore() {
        System.clearProperty("zookeeper.4lw.commands.whitelist");
    }

    static String word(String connectString, String word) throws Exception {
        String[] hp = connectString.split(":");
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The keys of "key: value", "key=value" and "key\tvalue" lines. */
    static Set<String> keys(String text) {
        Set<String> keys = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            int i = indexOfSeparator(line);
            if (i > 0) {
                keys.add(line.substring(0, i));
            }
        }
        return keys;
    }

    static Map<String, String> values(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int i = indexOfSeparator(line);
            if (i > 0) {
                map.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        return map;
    }

    private static int indexOfSeparator(String line) {
        int best = -1;
        for (char c : new char[] {':', '=', '\t'}) {
            int i = line.indexOf(c);
            if (i > 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private record Outputs(Map<String, String> byWord, long sessionId) {
    }

    private Outputs collect(Servers.Target target) throws Exception {
        ZooKeeper zk = Servers.connect(target.connectString(), 30000, null);
        zk.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create("/w/e", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.getData("/w", true, null);
        zk.getChildren("/w", true);
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : List.of("ruok", "isro", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc",
                "wchp", "dump", "dirs")) {
            out.put(w, word(target.connectString(), w));
        }
        long sid = zk.getSessionId();
        zk.close();
        return new Outputs(out, sid);
    }

    /**
     * rqld and ydld (leadership transfer, ClickHouse Keeper's words) are Corral's own: ZooKeeper takes them for the
     * start of a request and drops the connection without an answer; a standalone Corral says why it cannot.
     */
    @Test
    void leadershipWordsAreCorralsOwn() throws Exception {
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")))) {
            assertThat(word(zk.connectString(), "rqld")).isEmpty();
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("ours")),
                c -> c.withFourLetterWords(Set.of("*")))) {
            assertThat(word(corral.connectString(), "rqld")).isEqualTo("Failed to send leadership request to leader.\n"
                    + "this server runs standalone: it has no ensemble to hand leadership over to\n");
            assertThat(word(corral.connectString(), "ydld")).startsWith("Failed to send yield leadership request");
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("default")))) {
            assertThat(word(corral.connectString(), "rqld")).isEqualTo(
                    "rqld is not executed because it is not in the whitelist.\n");
        }
    }

    @Test
    void sameFieldsAsZooKeeper() throws Exception {
        Outputs ref;
        Outputs ours;
        try (Servers.Target zk = Servers.zookeeper(Files.createDirectories(dir.resolve("ref")))) {
            ref = collect(zk);
        }
        try (Servers.Target corral = Servers.corral(Files.createDirectories(dir.resolve("ours")),
                c -> c.withFourLetterWords(Set.of("*")))) {
            ours = collect(corral);
        }
        Map<String, String> z = ref.byWord();
        Map<String, String> c = ours.byWord();
        assertThat(c.get("ruok")).isEqualTo(z.get("ruok")).isEqualTo("imok");
        assertThat(c.get("isro")).isEqualTo(z.get("isro"));
        assertThat(keys(c.get("srvr"))).isEqualTo(keys(z.get("srvr")));
        assertThat(values(c.get("srvr")).get("Mode")).isEqualTo(values(z.get("srvr")).get("Mode"));
        assertThat(values(c.get("srvr")).get("Node count")).isEqualTo(values(z.get("srvr")).get("Node count"));
        assertThat(values(c.get("srvr")).get("Zookeeper version")).startsWith("3.9.5");
        assertThat(keys(c.get("stat"))).containsAll(keys(z.get("srvr"))).contains("Clients");
        // Every field ZooKeeper prints, in its order, but its per-namespace summaries (named after the top-level
        // znodes used).
        assertThat(List.copyOf(keys(c.get("mntr")))).isEqualTo(keys(z.get("mntr")).stream()
                .filter(k -> !k.endsWith("_per_namespace")).toList());
        for (String field : List.of("zk_approximate_data_size", "zk_num_alive_connections", "zk_global_sessions", "zk_watch_count",
                "zk_outstanding_requests", "zk_server_state", "zk_local_sessions")) {
            assertThat(values(c.get("mntr")).get(field)).as(field).isEqualTo(values(z.get("mntr")).get(field));
        }
        // cons and stat: the asking connection and the client's, field by field as ZooKeeper prints them (in the
        // order of its connection set, a hash set: compared as sorted lines).
        assertThat(sortedLines(shape(c.get("cons"), ours.sessionId())))
                .isEqualTo(sortedLines(shape(z.get("cons"), ref.sessionId())));
        assertThat(sortedLines(shape(c.get("stat"), ours.sessionId())))
                .isEqualTo(sortedLines(shape(z.get("stat"), ref.sessionId())));
        assertThat(keys(c.get("mntr"))).contains("zk_version", "zk_server_state", "zk_znode_count",
                "zk_watch_count", "zk_ephemerals_count", "zk_num_alive_connections", "zk_avg_latency",
                "zk_packets_received", "zk_packets_sent", "zk_outstanding_requests");
        assertThat(values(c.get("mntr")).get("zk_znode_count")).isEqualTo(values(z.get("mntr")).get("zk_znode_count"));
        assertThat(values(c.get("mntr")).get("zk_ephemerals_count"))
                .isEqualTo(values(z.get("mntr")).get("zk_ephemerals_count"));
        assertThat(keys(c.get("conf"))).isEqualTo(keys(z.get("conf")));
        assertThat(keys(c.get("envi"))).isEqualTo(keys(z.get("envi")));
        assertThat(keys(c.get("dirs"))).isEqualTo(keys(z.get("dirs")));
        assertThat(normalize(c.get("wchs"), ours.sessionId())).isEqualTo(normalize(z.get("wchs"), ref.sessionId()));
        assertThat(normalize(c.get("wchp"), ours.sessionId())).isEqualTo(normalize(z.get("wchp"), ref.sessionId()));
        assertThat(normalize(c.get("wchc"), ours.sessionId())).isEqualTo(normalize(z.get("wchc"), ref.sessionId()));
        assertThat(c.get("cons")).contains("sid=0x" + Long.toHexString(ours.sessionId())).contains("lop=");
        assertThat(c.get("dump")).contains("0x" + Long.toHexString(ours.sessionId()) + ":").contains("\t/w/e");
        assertThat(z.get("dump")).contains("0x" + Long.toHexString(ref.sessionId()) + ":").contains("\t/w/e");
    }

    private static List<String> sortedLines(String text) {
        return text.lines().sorted().toList();
    }

    /** The text with numbers, ports and the session id blanked: what stays is the format. */
    private static String shape(String text, long sessionId) {
        return normalize(text, sessionId).replaceAll("Zookeeper version: .*", "Zookeeper version: V")
                .replaceAll("0x[0-9a-f]+", "0xN").replaceAll("[0-9]+", "N");
    }

    private static String normalize(String text, long sessionId) {
        return text.replace("0x" + Long.toHexString(sessionId), "SESSION");
    }

    @Test
    void wordsOffTheWhitelistAreRefusedWithZooKeepersText() throws Exception {
        try (Servers.Target corral = Servers.corral(dir)) {
            assertThat(word(corral.connectString(), "ruok"))
                    .isEqualTo("ruok is not executed because it is not in the whitelist.\n");
            assertThat(word(corral.connectString(), "srvr")).contains("Mode: standalone");
            List<String> stillWorks = new ArrayList<>();
            ZooKeeper zk = Servers.connect(corral.connectString(), 10000, null);
            stillWorks.add(zk.create("/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            zk.close();
            assertThat(stillWorks).containsExactly("/after");
        }
    }
}
