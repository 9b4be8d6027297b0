package dev.corral.server.reconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.wire.ErrorCode;
import dev.corral.server.wire.KeeperError;
import java.util.Map;
import java.util.Set;
import org.apache.zookeeper.proto.ReconfigRequest;
import org.junit.jupiter.api.Test;

/**
 * The cases of ZooKeeper's reconfig checks that a running ensemble cannot show yet (no reconfig is ever in progress)
 * or that are cheaper to pin here: the in-progress check before the version check, bulk member lists separated by
 * newlines or commas, observers not counting as voters. The rest is compared with ZooKeeper 3.9.5 processes in
 * ReconfigSurfaceProcessTest.
 */
class ReconfigRulesTest {
    private static final ClusterConfig THREE = config(Map.of(1, "127.0.0.1:2001:3001", 2, "127.0.0.1:2002:3002",
            3, "127.0.0.1:2003:3003"), 0x100000000L);
    private static final ReconfigRules.Permission SUPER = () -> { };

    private static ClusterConfig config(Map<Integer, String> servers, long version) {
        try {
            return ClusterConfig.of(servers, version);
        } catch (dev.corral.server.config.ConfigException e) {
            throw new AssertionError(e);
        }
    }

    private static int error(ReconfigRequest r, ReconfigRules.State s, ReconfigRules.Permission p) {
        try {
            ReconfigRules.next(r, s, 0x100000005L, p);
            return ErrorCode.OK;
        } catch (KeeperError e) {
            return e.code();
        }
    }

    private static ReconfigRules.State state(long lastSeen, Set<Integer> synced) {
        return new ReconfigRules.State(true, false, true, THREE, lastSeen, synced);
    }

    @Test
    void aReconfigInProgressComesBeforeTheVersion() {
        ReconfigRequest r = new ReconfigRequest(null, "3", null, 12345);
        assertThat(error(r, state(0x100000004L, Set.of(1, 2, 3)), SUPER)).isEqualTo(ErrorCode.RECONFIG_IN_PROGRESS);
        assertThat(error(r, state(THREE.version(), Set.of(1, 2, 3)), SUPER)).isEqualTo(ErrorCode.BAD_VERSION);
    }

    @Test
    void bulkMembersByNewlineOrCommaWithTheVersionOfTheTxn() throws Exception {
        String members = "server.1=127.0.0.1:2001:3001:participant;2181\nserver.2=127.0.0.1:2002:3002,"
                + "server.4=127.0.0.1:2004:3004:observer;127.0.0.1:2184\nversion=99";
        ClusterConfig next = ReconfigRules.next(new ReconfigRequest(null, null, members, -1),
                state(THREE.version(), Set.of(1, 2)), 0x100000005L, SUPER);
        assertThat(next.text()).isEqualTo("server.1=127.0.0.1:2001:3001:participant;0.0.0.0:2181\n"
                + "server.2=127.0.0.1:2002:3002:participant\n"
                + "server.4=127.0.0.1:2004:3004:observer;127.0.0.1:2184\n"
                + "version=100000005");
        assertThat(next.voters()).containsExactly(1, 2);
    }

    @Test
    void observersDoNotCountAsVoters() {
        // 1 and an observer left: one voter is not enough with standaloneEnabled.
        ReconfigRequest r = new ReconfigRequest("server.4=127.0.0.1:2004:3004:observer;2184", "2,3", null, -1);
        assertThat(error(r, state(THREE.version(), Set.of(1, 2, 3, 4)), SUPER)).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    }

    @Test
    void thePermissionIsCheckedLast() {
        ReconfigRules.Permission none = () -> {
            throw new KeeperError(ErrorCode.NO_AUTH);
        };
        ReconfigRequest valid = new ReconfigRequest(null, "3", null, -1);
        assertThat(error(valid, state(THREE.version(), Set.of(1, 2)), none)).isEqualTo(ErrorCode.NO_AUTH);
        assertThat(error(valid, state(THREE.version(), Set.of(1)), none)).isEqualTo(ErrorCode.NEW_CONFIG_NO_QUORUM);
        assertThat(error(valid, state(THREE.version(), Set.of(1, 2)), SUPER)).isEqualTo(ErrorCode.OK);
    }
}
