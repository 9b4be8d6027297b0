package dev.corral.server.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.function.Supplier;

/**
 * portUnification on the quorum port: the first five bytes of an accepted connection tell a TLS record from a
 * plain HELLO frame (whose length prefix never looks like a TLS record header); a TLS connection gets its handler
 * in this one's place, a plain one goes on without. ZooKeeper's UnifiedServerSocket makes the same choice.
 */
final class QuorumTlsDetector extends ByteToMessageDecoder {
    private final Supplier<SslHandler> tls;

    QuorumTlsDetector(Supplier<SslHandler> tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().replace(this, "ssl", tls.get());
        } else {
            ctx.pipeline().remove(this);
        }
    }
}
