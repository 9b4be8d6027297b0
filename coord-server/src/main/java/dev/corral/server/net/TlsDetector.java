package dev.corral.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.function.Function;

/**
 * client.portUnification: looks at a new connection's first bytes and puts a TLS handler in its own place if they
 * start a TLS record, or steps aside for a plain client. Five bytes tell (a TLS record header); a four-letter word
 * is shorter, so, as in ZooKeeper, fewer bytes that do not start with a handshake record (0x16) mean plain text.
 */
final class TlsDetector extends ByteToMessageDecoder {
    private static final byte HANDSHAKE_RECORD = 0x16;

    private final Function<ChannelHandlerContext, SslHandler> tls;

    TlsDetector(Function<ChannelHandlerContext, SslHandler> tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable >= 5) {
            if (SslHandler.isEncrypted(in, false)) {
                ctx.pipeline().replace(this, "ssl", tls.apply(ctx));
            } else {
                ctx.pipeline().remove(this);
            }
        } else if (readable > 0 && in.getByte(in.readerIndex()) != HANDSHAKE_RECORD) {
            ctx.pipeline().remove(this);
        }
    }
}
