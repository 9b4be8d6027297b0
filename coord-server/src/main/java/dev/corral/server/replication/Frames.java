package dev.corral.server.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/** Builds length-prefixed quorum frames ({@code length | type | body}). */
final class Frames {

    private Frames() {
    }

    static ByteBuf frame(ByteBufAllocator alloc, byte type, int bodyBytes, Consumer<ByteBuf> body) {
        ByteBuf buf = alloc.buffer(5 + bodyBytes);
        buf.writeInt(0).writeByte(type);
        body.accept(buf);
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }

    static ByteBuf frame(ByteBufAllocator alloc, byte type, byte[] body) {
        ByteBuf buf = alloc.buffer(5 + body.length);
        buf.writeInt(1 + body.length).writeByte(type).writeBytes(body);
        return buf;
    }

    /**
     * {@code quorumPort}: where the sender listens, so that a peer that does not know it yet (it joins by reconfig)
     * can dial it back. Readers take a HELLO without it too (9 bytes, from builds before reconfig).
     */
    static ByteBuf hello(ByteBufAllocator alloc, int myId, int quorumPort) {
        return frame(alloc, FrameType.HELLO, 13, b -> b.writeInt(FrameType.MAGIC).writeByte(FrameType.VERSION)
                .writeInt(myId).writeInt(quorumPort));
    }

    static ByteBuf heartbeat(ByteBufAllocator alloc) {
        return frame(alloc, FrameType.HEARTBEAT, 0, b -> { });
    }
}
