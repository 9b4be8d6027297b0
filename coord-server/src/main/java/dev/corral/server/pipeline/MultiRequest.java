package dev.corral.server.pipeline;

import dev.corral.server.tree.CreateMode;
import dev.corral.server.tree.NodeKind;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CreateRequest;
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
                type = createOpcodeInMulti(type, request);
            }
            ops.add(new Op(type, request));
            h.deserialize(in, "multiheader");
        }
    }

    /**
     * What ZooKeeper 3.9.5's MultiOperationRecord makes of a create op (1, 15 or 19) as it decodes it: unknown flags,
     * and TTL flags (a CreateRequest has no TTL), fail the whole request (an IOException: MARSHALLINGERROR); the
     * container flag makes the op a createContainer (19) whatever its header said; other flags keep the header's
     * opcode, so 19 with flags 0-3 still makes a container. Other ops are returned as they are.
     */
    private static int createOpcodeInMulti(int type, Record request) throws IOException {
        if (type != OpCode.CREATE && type != OpCode.CREATE2 && type != OpCode.CREATE_CONTAINER) {
            return type;
        }
        int flags = ((CreateRequest) request).getFlags();
        CreateMode mode = CreateMode.fromFlag(flags);
        if (mode == null || mode.kind() == NodeKind.TTL) {
            throw new IOException("invalid flag " + flags + " for a create in a multi");
        }
        return mode.kind() == NodeKind.CONTAINER ? OpCode.CREATE_CONTAINER : type;
    }

    @Override
    public void serialize(OutputArchive out, String tag) {
        throw new UnsupportedOperationException("the server only reads multi requests");
    }
}
