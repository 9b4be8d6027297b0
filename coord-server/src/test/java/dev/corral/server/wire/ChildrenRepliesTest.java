package dev.corral.server.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.Test;

/** The direct children-reply encoder writes exactly the bytes Jute's archive writes. */
class ChildrenRepliesTest {

    private static List<List<String>> lists() {
        Random random = new Random(5);
        List<List<String>> lists = new ArrayList<>();
        lists.add(List.of());
        lists.add(List.of("a"));
        lists.add(Arrays.asList("x", null, "\u00e9t\u00e9", "\ud83d\ude00", ""));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(String.format("n-%010d", random.nextInt(1_000_000)));
        }
        lists.add(many);
        lists.add(null);
        return lists;
    }

    @Test
    void sameBytesAsJuteForBothChildrenReplies() {
        Stat stat = new Stat(1L << 40, 7, 1700000000000L, 1700000000001L, 3, -2, 1, 0x1234L, 1024, 1000, 99);
        for (List<String> children : lists()) {
            ReplyHeader header = new ReplyHeader(42, 0x1_0000_0007L, 0);
            GetChildrenResponse plain = new GetChildrenResponse(children);
            GetChildren2Response withStat = new GetChildren2Response(children, stat);
            assertThat(Jute.replyFrame(header, plain)).isEqualTo(Jute.archiveReplyFrame(header, plain));
            assertThat(Jute.replyFrame(header, withStat)).isEqualTo(Jute.archiveReplyFrame(header, withStat));
        }
        assertThat(ChildrenReplies.frame(new ReplyHeader(), new Stat())).isNull();
    }
}
