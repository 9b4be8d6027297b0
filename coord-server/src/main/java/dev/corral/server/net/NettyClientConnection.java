package dev.corral.server.net;

import dev.corral.server.pipeline.ClientConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.zookeeper.data.Id;

/** A client connection carried by a Netty channel. */
final class NettyClientConnection extends ClientConnection {
    private final Channel channel;
    private final String ip;
    /** Set by the event loop when a TLS handshake completes, before any frame of the connection is read. */
    private volatile List<Id> transportIds = List.of();
    /** Set once by the event loop before the handshake frame is handed on, so before any reply is written. */
    private volatile ReadGate gate;

    NettyClientConnection(Channel channel) {
        this.channel = channel;
        this.ip = ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
    }

    void setGate(ReadGate gate) {
        this.gate = gate;
    }

    void setTransportAuthIds(List<Id> ids) {
        this.transportIds = List.copyOf(ids);
    }

    @Override
    public List<Id> transportAuthIds() {
        return transportIds;
    }

    @Override
    public void write(byte[] frame) {
        channel.write(Unpooled.wrappedBuffer(frame), channel.voidPromise());
        ReadGate g = gate;
        if (g != null && frame.length >= 8) {
            // Replies carry their request's xid after the length; notifications and connect replies count as none.
            g.replied((frame[4] & 0xff) << 24 | (frame[5] & 0xff) << 16 | (frame[6] & 0xff) << 8 | (frame[7] & 0xff));
        }
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void closeAfterFlush() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String remoteAddress() {
        InetSocketAddress a = (InetSocketAddress) channel.remoteAddress();
        return "/" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public String remoteIp() {
        return ip;
    }

    @Override
    public String toString() {
        return "connection " + channel.remoteAddress() + " session 0x" + Long.toHexString(sessionId());
    }
}
