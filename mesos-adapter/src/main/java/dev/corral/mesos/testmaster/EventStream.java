package dev.corral.mesos.testmaster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.corral.mesos.scheduler.RecordIo;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** One subscription's outgoing events, RecordIO-framed in the content type the scheduler asked for. */
final class EventStream {

    static final byte[] END = new byte[0];

    final String id;
    final boolean json;
    final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    volatile boolean closed;

    EventStream(String id, boolean json) {
        this.id = id;
        this.json = json;
    }

    void send(Event event) {
        if (closed) {
            return;
        }
        byte[] record;
        if (json) {
            try {
                record = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(event)
                        .getBytes(StandardCharsets.UTF_8);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        } else {
            record = event.toByteArray();
        }
        frames.add(RecordIo.frame(record));
    }

    void close() {
        if (!closed) {
            closed = true;
            frames.add(END);
        }
    }
}
