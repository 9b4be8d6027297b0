package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mesosphere.mesos.rx.java.recordio.RecordIOOperator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import rx.Observable;

/**
 * Our RecordIO framing, checked against an independent decoder (Mesosphere's mesos-rxjava RecordIOOperator, from
 * Maven Central) and against the framing example in the Mesos scheduler HTTP API documentation.
 */
class RecordIoTest {

    private static List<byte[]> events() {
        return List.of(
                Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1")).setHeartbeatIntervalSeconds(15)).build().toByteArray(),
                Event.newBuilder().setType(Event.Type.HEARTBEAT).build().toByteArray(),
                new byte[0],
                "x".repeat(70_000).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void mesosRxJavaDecodesOurFramesHoweverTheyAreChunked() {
        byte[] stream = RecordIo.frames(events().toArray(new byte[0][]));
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            List<ByteBuf> chunks = new ArrayList<>();
            for (int i = 0; i < stream.length; ) {
                int n = Math.min(stream.length - i, 1 + random.nextInt(round == 0 ? 1 : 5000));
                chunks.add(Unpooled.copiedBuffer(stream, i, n));
                i += n;
            }
            List<byte[]> decoded = Observable.from(chunks).lift(new RecordIOOperator()).toList().toBlocking().single();
            assertThat(decoded).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(events());
        }
    }

    @Test
    void ourReaderDecodesOurFrames() throws IOException {
        RecordIo.Reader reader = new RecordIo.Reader(new ByteArrayInputStream(RecordIo.frames(events().toArray(new byte[0][]))));
        for (byte[] expected : events()) {
            assertThat(reader.next()).hasValueSatisfying(r -> assertThat(r).isEqualTo(expected));
        }
        assertThat(reader.next()).isEmpty();
    }

    @Test
    void theDocumentationExampleFrame() throws IOException {
        // The docs show a JSON event preceded by its byte length and a newline.
        String record = "{\"type\": \"SUBSCRIBED\",\"subscribed\": {\"framework_id\": {\"value\":\"12220-3440-12532-2345\"},\"heartbeat_interval_seconds\":15}}";
        byte[] framed = (record.length() + "\n" + record).getBytes(StandardCharsets.UTF_8);
        assertThat(RecordIo.frame(record.getBytes(StandardCharsets.UTF_8))).isEqualTo(framed);
        assertThat(new RecordIo.Reader(new ByteArrayInputStream(framed)).next())
                .hasValueSatisfying(r -> assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo(record));
    }

    @Test
    void garbageAndTruncationAreErrorsNotHugeAllocations() {
        assertThatThrownBy(() -> new RecordIo.Reader(new ByteArrayInputStream("12a\nxx".getBytes())).next())
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new RecordIo.Reader(new ByteArrayInputStream("99999999999\n".getBytes())).next())
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new RecordIo.Reader(new ByteArrayInputStream("5\nab".getBytes())).next())
                .isInstanceOf(IOException.class);
    }
}
