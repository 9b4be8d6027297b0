package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.Txn;
import dev.corral.server.wire.OpCode;
import dev.corral.zab.QuorumVerifier;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.Test;

class EnvelopeConfigDecoderTest {
    private static byte[] payload(Txn txn) {
        return new Envelope(2, 0x55L, 9, OpCode.RECONFIG, 1234L, txn).encode();
    }

    @Test
    void aReconfigPayloadGivesItsVotersAndMembers() {
        QuorumVerifier q = EnvelopeConfigDecoder.INSTANCE.configIn(payload(new Txn.Reconfig(0x100000007L,
                "server.1=127.0.0.1:1:2:participant;2181\nserver.2=127.0.0.1:3:4:participant\n"
                        + "server.4=127.0.0.1:5:6:observer\nserver.5=127.0.0.1:7:8:participant;0.0.0.0:2185\n")));
        assertThat(q.voters()).containsExactly(1, 2, 5);
        assertThat(q.members()).containsExactly(1, 2, 4, 5);
        assertThat(q.containsQuorum(Set.of(1, 5))).isTrue();
        assertThat(q.containsQuorum(Set.of(1, 4))).isFalse(); // an observer never counts
    }

    @Test
    void everyOtherTxnIsOrdinary() {
        for (Txn txn : List.of(new Txn.SetData("/zookeeper/config", new byte[] {10}), new Txn.Error(-14),
                new Txn.Multi(List.of()), new Txn.CloseSession(5),
                new Txn.Create("/r", "server.1=a:1:2".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT,
                        0, 0))) {
            assertThat(EnvelopeConfigDecoder.INSTANCE.configIn(payload(txn))).as(txn.toString()).isNull();
        }
        assertThat(EnvelopeConfigDecoder.INSTANCE.configIn(new byte[0])).isNull();
    }

    @Test
    void aCorruptReconfigPayloadIsNotTakenForAnOrdinaryOne() {
        byte[] p = payload(new Txn.Reconfig(1L, "server.1=a:1:2:participant\n"));
        byte[] truncated = java.util.Arrays.copyOf(p, p.length - 3);
        assertThatThrownBy(() -> EnvelopeConfigDecoder.INSTANCE.configIn(truncated))
                .isInstanceOf(IllegalStateException.class);
        byte[] noLines = payload(new Txn.Reconfig(1L, "no lines\n"));
        assertThatThrownBy(() -> EnvelopeConfigDecoder.INSTANCE.configIn(noLines)).isInstanceOf(IllegalStateException.class);
    }
}
