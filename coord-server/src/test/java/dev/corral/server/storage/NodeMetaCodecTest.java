package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.SessionRecord;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class NodeMetaCodecTest {

    @Test
    void roundTripsEveryFieldAndKind() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            NodeMeta meta = new NodeMeta(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextLong(), random.nextInt(), random.nextInt(), random.nextInt(), random.nextLong(),
                    random.nextInt(), random.nextInt(), random.nextLong(), random.nextInt(),
                    NodeKind.ofOrdinal(i % NodeKind.values().length), random.nextLong());
            byte[] bytes = NodeMetaCodec.encode(meta);
            assertThat(bytes).hasSize(NodeMetaCodec.SIZE_V1);
            assertThat(bytes[0]).isEqualTo(NodeMetaCodec.VERSION_1);
            assertThat(NodeMetaCodec.decode(bytes)).isEqualTo(meta);
        }
    }

    @Test
    void extremeValuesRoundTrip() {
        NodeMeta max = new NodeMeta(Long.MAX_VALUE, Long.MIN_VALUE, -1, 0, Long.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MIN_VALUE, -1, Long.MIN_VALUE, Integer.MAX_VALUE, 0, Long.MAX_VALUE, Integer.MAX_VALUE,
                NodeKind.TTL, Long.MAX_VALUE);
        assertThat(NodeMetaCodec.decode(NodeMetaCodec.encode(max))).isEqualTo(max);
        NodeMeta created = NodeMeta.created(7, 1234, 0, 1, NodeKind.EPHEMERAL, 0x1234L, 0);
        assertThat(NodeMetaCodec.decode(NodeMetaCodec.encode(created))).isEqualTo(created);
    }

    @Test
    void rejectsUnknownVersionAndWrongLength() {
        byte[] bytes = NodeMetaCodec.encode(NodeMeta.created(1, 1, 0, 1, NodeKind.PERSISTENT, 0, 0));
        byte[] wrongVersion = bytes.clone();
        wrongVersion[0] = 2;
        assertThatThrownBy(() -> NodeMetaCodec.decode(wrongVersion)).isInstanceOf(StoreException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> NodeMetaCodec.decode(new byte[] {1, 2, 3})).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> NodeMetaCodec.decode(new byte[0])).isInstanceOf(StoreException.class);
        byte[] badKind = bytes.clone();
        badKind[81] = 9;
        assertThatThrownBy(() -> NodeMetaCodec.decode(badKind)).isInstanceOf(StoreException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void aclAndSessionValuesRoundTrip() {
        List<ACL> acl = List.of(new ACL(31, new Id("world", "anyone")),
                new ACL(1, new Id("digest", "bob:X/ü+=")), new ACL(0, new Id("ip", "")));
        assertThat(ValueCodecs.decodeAcl(ValueCodecs.encodeAcl(acl))).isEqualTo(acl);
        assertThat(ValueCodecs.decodeAcl(ValueCodecs.encodeAcl(List.of()))).isEmpty();

        SessionRecord s = new SessionRecord(-5, new byte[] {1, 2, 3, -1}, 30_000);
        SessionRecord back = ValueCodecs.decodeSession(-5, ValueCodecs.encodeSession(s));
        assertThat(back.sessionId()).isEqualTo(-5);
        assertThat(back.timeoutMs()).isEqualTo(30_000);
        assertThat(back.password()).containsExactly(1, 2, 3, -1);
    }
}
