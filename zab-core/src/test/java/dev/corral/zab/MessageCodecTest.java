package dev.corral.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static final Zxid Z = new Zxid(7, 123_456_789_012L);

    @Test
    void everyMessageRoundTrips() throws IOException {
        List<Message> all = List.of(
                new Message.Notification(3, new Vote(2, Z, 6), Role.FOLLOWING),
                new Message.FollowerInfo(5),
                new Message.NewEpoch(8),
                new Message.AckEpoch(8, 6, Z, List.of(Zxid.ZERO, new Zxid(3, 10), Z), true),
                new Message.AckEpoch(8, 6, Z, List.of(Zxid.ZERO), false, true),
                new Message.Diff(8, Z),
                new Message.Trunc(8, Z),
                new Message.Snap(8, Z),
                new Message.Snap(8, Z, new MajorityQuorum(java.util.Set.of(1, 2, 3), java.util.Set.of(1, 2, 3, 4))),
                new Message.Notification(3, new Vote(2, Z, 6), Role.LOOKING, new MajorityQuorum(java.util.Set.of(1, 5)), 77),
                new Message.NewLeader(8, Z),
                new Message.Ack(8, Z),
                new Message.TakeOver(8, 3, Z),
                new Message.LeadershipRequest(8),
                new Message.UpToDate(8, Z),
                new Message.Commit(8, Z),
                new Message.Synced(8, Z),
                new Message.Ping(-1),
                new Message.Ping(3, Z, new Zxid(7, 5)),
                new Message.ReadRound(8, 42),
                new Message.ReadRoundAck(8, 42),
                new Message.ReadIndexRequest(8, 9),
                new Message.ReadIndexReply(8, 9, Z));
        for (Message m : all) {
            assertThat(MessageCodec.fromBytes(MessageCodec.toBytes(m))).isEqualTo(m);
        }
    }

    @Test
    void proposalsKeepTheirPayloads() throws IOException {
        byte[] big = new byte[1024];
        Arrays.fill(big, (byte) 7);
        Message.Proposal p = new Message.Proposal(4, List.of(new Txn(new Zxid(4, 1), new byte[0]), new Txn(new Zxid(4, 2), big)));
        Message.Proposal back = (Message.Proposal) MessageCodec.fromBytes(MessageCodec.toBytes(p));
        assertThat(back.epoch()).isEqualTo(4);
        assertThat(back.txns()).isEqualTo(p.txns()); // Txn compares payloads by content
    }

    @Test
    void informsKeepTheirPayloadsAndCommitPoint() throws IOException {
        Message.Inform i = new Message.Inform(4, List.of(new Txn(new Zxid(4, 9), new byte[] {1, 2}),
                new Txn(new Zxid(4, 10), new byte[0])), new Zxid(4, 10));
        assertThat(MessageCodec.fromBytes(MessageCodec.toBytes(i))).isEqualTo(i);
        Message.Inform commitOnly = new Message.Inform(4, List.of(), new Zxid(4, 10));
        assertThat(MessageCodec.fromBytes(MessageCodec.toBytes(commitOnly))).isEqualTo(commitOnly);
    }

    @Test
    void observingIsNeverAStateOnTheWire() {
        byte[] bytes = MessageCodec.toBytes(new Message.Notification(3, new Vote(2, Z, 6), Role.OBSERVING));
        assertThatThrownBy(() -> MessageCodec.fromBytes(bytes)).isInstanceOf(IOException.class);
    }

    @Test
    void garbageIsRejectedNotTrusted() {
        assertThatThrownBy(() -> MessageCodec.fromBytes(new byte[] {99})).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> MessageCodec.fromBytes(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0}))
                .isInstanceOf(IOException.class);
        byte[] ok = MessageCodec.toBytes(new Message.Ping(1));
        byte[] longer = Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> MessageCodec.fromBytes(longer)).isInstanceOf(IOException.class);
    }
}
