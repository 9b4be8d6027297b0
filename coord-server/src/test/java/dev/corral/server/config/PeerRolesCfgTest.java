package dev.corral.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observer keys side by side with ZooKeeper 3.9.5's QuorumPeerConfig: the same server lines and {@code peerType}
 * are accepted or refused alike, accepted ones give the same observers, and Corral's refusal names the key.
 */
class PeerRolesCfgTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void myid() throws Exception {
        Files.createDirectories(dir.resolve("zk"));
        Files.writeString(dir.resolve("zk").resolve("myid"), "4\n");
    }

    private static Properties zooCfg(Map<String, String> keys) {
        Properties p = new Properties();
        p.put("tickTime", "2000");
        p.put("initLimit", "10");
        p.put("syncLimit", "5");
        p.put("dataDir", dir.resolve("zk").toString());
        p.put("clientPort", "2181");
        p.put("server.1", "127.0.0.1:2888:3888");
        p.put("server.2", "127.0.0.1:2889:3889");
        p.put("server.3", "127.0.0.1:2890:3890;2183");
        p.putAll(keys);
        return p;
    }

    /** ZooKeeper's observers (by id) and its own peer type, or "error". */
    private static String zooKeeper(Map<String, String> keys) {
        try {
            QuorumPeerConfig c = new QuorumPeerConfig();
            c.parseProperties(zooCfg(keys));
            Set<Long> observers = new TreeSet<>(c.getQuorumVerifier().getObservingMembers().keySet());
            return observers + " self=" + (c.getPeerType() == QuorumPeer.LearnerType.OBSERVER);
        } catch (Exception | Error e) {
            return "error";
        }
    }

    /** Corral's observers and, as ZooKeeper settles it, its own type (server 4 is myid); or the error. */
    private static String corral(Map<String, String> keys) {
        try {
            PeerRoles r = ZooCfg.parse(zooCfg(keys), dir).peerRoles();
            return new TreeSet<>(r.observers()) + " self=" + r.isObserver(4);
        } catch (ConfigException e) {
            return "error: " + e.getMessage();
        }
    }

    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void acceptedAlike() {
        for (Map<String, String> k : new Map[] {
            keys("server.4", "127.0.0.1:2891:3891:observer", "peerType", "observer"),
            keys("server.4", "127.0.0.1:2891:3891:observer;2181", "peerType", "observer"),
            keys("server.4", "127.0.0.1:2891:3891:OBSERVER;0.0.0.0:2181", "peerType", "OBSERVER"),
            keys("server.4", "127.0.0.1:2891:3891:participant", "peerType", "participant"),
            keys("server.4", "127.0.0.1:2891:3891"),
            keys("server.4", "[::1]:2891:3891:observer", "peerType", "observer"),
            // The two disagree: both take the server list (ZooKeeper warns; Corral too, at start-up).
            keys("server.4", "127.0.0.1:2891:3891:observer"),
            keys("server.4", "127.0.0.1:2891:3891", "peerType", "observer"),
        }) {
            String zk = zooKeeper(k);
            assertThat(zk).as("ZooKeeper on %s", k).doesNotStartWith("error");
            assertThat(corral(k)).as("Corral on %s", k).isEqualTo(zk);
        }
    }

    @Test
    void refusedAlikeNamingTheKey() {
        Map<Map<String, String>, String> cases = new LinkedHashMap<>();
        cases.put(keys("server.4", "127.0.0.1:2891:3891:voter"), "'server.4'");
        cases.put(keys("server.4", "127.0.0.1:2891:3891:observer", "peerType", "watcher"), "'peerType'");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            assertThat(zooKeeper(c.getKey())).as("ZooKeeper on %s", c.getKey()).isEqualTo("error");
            assertThat(corral(c.getKey())).as("Corral on %s", c.getKey()).startsWith("error: ")
                    .contains(c.getValue());
        }
    }
}
