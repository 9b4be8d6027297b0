package dev.corral.server.pipeline;

import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;

/**
 * The body of a multi or multiRead: a header and a request per op, then a closing header. Each op is checked against
 * the opcode table as it is read: a multi holds writes that may be grouped, a multiRead getData and getChildren.
 */
public final class MultiRequest implements Record {
    private final boolean readOnly;
    private final List<Op> ops = new ArrayList<>();

    /** One op of a multi: its type and decoded request. */
    public record Op(int type, Record request) {
    }

    public MultiRequest(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public List<Op> ops() {
        return ops;
    }

    @Override
    public void deserialize(InputArchive in, String tag) throws IOException {
        ops.clear();
        MultiHeader h = new MultiHeader();
        h.deserialize(in, "multiheader");
        while (!h.getDone()) {
            int type = h.getType();
            Record request;
            if (readOnly) {
                request = switch (type) {
                    case OpCode.GET_CHILDREN -> new GetChildrenRequest();
                    case OpCode.GET_DATA -> new GetDataRequest();
                    default -> throw new IOException("invalid type of op in multiRead: " + type);
                };
                request.deserialize(in, "request");
            } else {
                Operation op = Operations.inMulti(type);
                if (op == null) {
                    throw new IOException("invalid type of op in multi: " + type);
                }
                request = op.decode(in);
            }
            ops.add(new Op(type, request));
            h.deserialize(in, "multiheader");
        }
    }

    @Override
    public void serialize(OutputArchive out, String tag) {
        throw new UnsupportedOperationException("the server only reads multi requests");
    }
}
