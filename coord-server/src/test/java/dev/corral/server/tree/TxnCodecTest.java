package dev.corral.server.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class TxnCodecTest {
    private static final List<ACL> ACL_LIST = List.of(new ACL(31, new Id("world", "anyone")),
            new ACL(1, new Id("digest", "u:h=")));

    private static List<Txn> samples() {
        Txn create = new Txn.Create("/a/\u00e9", new byte[] {1, 2, 3}, ACL_LIST, NodeKind.TTL, 0, 5000);
        return List.of(create,
                new Txn.Create("/e", new byte[0], ACL_LIST, NodeKind.EPHEMERAL, 0x1234L, 0),
                new Txn.Create("/null", null, ACL_LIST, NodeKind.PERSISTENT, 0, 0), new Txn.SetData("/null", null),
                new Txn.Delete("/a"), new Txn.SetData("/a", new byte[] {9}), new Txn.SetAcl("/a", ACL_LIST),
                new Txn.Check("/a"), new Txn.Error(-101), new Txn.CreateSession(77L, new byte[16], 4000),
                new Txn.CloseSession(77L),
                new Txn.Reconfig(0x300000012L,
                        "server.1=127.0.0.1:2888:3888:participant;0.0.0.0:2181\nserver.2=h\u00e9:1:2:observer\n"),
                new Txn.Multi(List.of(create, new Txn.Delete("/x"), new Txn.Multi(List.of()))));
    }

    @Test
    void everyTxnTypeRoundTrips() throws IOException {
        for (Txn txn : samples()) {
            Txn back = TxnCodec.decode(TxnCodec.encode(txn));
            assertThat(TxnCodec.encode(back)).isEqualTo(TxnCodec.encode(txn));
            assertThat(back.getClass()).isEqualTo(txn.getClass());
        }
        Txn.Create c = (Txn.Create) TxnCodec.decode(TxnCodec.encode(samples().get(0)));
        assertThat(c.path()).isEqualTo("/a/\u00e9");
        assertThat(c.data()).containsExactly(1, 2, 3);
        assertThat(c.acl()).isEqualTo(ACL_LIST);
        assertThat(c.kind()).isEqualTo(NodeKind.TTL);
        assertThat(c.ttlMs()).isEqualTo(5000);
    }

    @Test
    void aReconfigKeepsItsServerLines() throws IOException {
        String lines = "server.1=a:1:2:participant\nserver.7=[::1]:3:4:observer;5\n";
        byte[] bytes = TxnCodec.encode(new Txn.Reconfig(0x500000123L, lines));
        assertThat(bytes[0]).isEqualTo(TxnCodec.RECONFIG);
        Txn.Reconfig back = (Txn.Reconfig) TxnCodec.decode(bytes);
        assertThat(back.serverLines()).isEqualTo(lines);
        assertThat(back.version()).isEqualTo(0x500000123L);
        assertThatThrownBy(() -> TxnCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void nullDataRoundTripsApartFromEmptyData() throws IOException {
        Txn.Create nullCreate = new Txn.Create("/n", null, ACL_LIST, NodeKind.PERSISTENT, 0, 0);
        Txn.Create emptyCreate = new Txn.Create("/e", new byte[0], ACL_LIST, NodeKind.PERSISTENT, 0, 0);
        Txn multi = new Txn.Multi(List.of(nullCreate, new Txn.SetData("/e", null), emptyCreate,
                new Txn.SetData("/n", new byte[0])));
        Txn.Multi back = (Txn.Multi) TxnCodec.decode(TxnCodec.encode(multi));
        assertThat(((Txn.Create) back.ops().get(0)).data()).isNull();
        assertThat(((Txn.SetData) back.ops().get(1)).data()).isNull();
        assertThat(((Txn.Create) back.ops().get(2)).data()).isEmpty();
        assertThat(((Txn.SetData) back.ops().get(3)).data()).isEmpty();
        assertThat(TxnCodec.size(multi)).isEqualTo(TxnCodec.encode(multi).length);
        // lengths below -1 are still corrupt
        byte[] bad = TxnCodec.encode(new Txn.SetData("/n", new byte[0]));
        bad[bad.length - 1] = -2;
        bad[bad.length - 2] = -1;
        bad[bad.length - 3] = -1;
        bad[bad.length - 4] = -1;
        assertThatThrownBy(() -> TxnCodec.decode(bad)).isInstanceOf(IOException.class);
    }

    @Test
    void corruptInputIsAnIoErrorNeverAnotherException() {
        Random random = new Random(7);
        for (Txn txn : samples()) {
            byte[] good = TxnCodec.encode(txn);
            for (int i = 0; i < 200; i++) {
                byte[] bad = random.nextBoolean() ? Arrays.copyOf(good, random.nextInt(good.length + 1)) : good.clone();
                if (bad.length > 0) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
                }
                try {
                    TxnCodec.decode(bad);
                } catch (IOException expected) {
                    // fine: rejected
                }
            }
        }
        assertThatThrownBy(() -> TxnCodec.decode(new byte[] {99})).isInstanceOf(IOException.class);
    }
}
