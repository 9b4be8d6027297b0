package dev.corral.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Stands before the TLS handler of a TLS-only port and answers a client that speaks plain text as the JDK's
 * SSLEngine answers it under Jetty (ZooKeeper's admin.forceHttps): its alert (a fatal internal_error), then the
 * close. Netty's SslHandler would close without a word. A connection that starts with a TLS record is left to the
 * TLS handler.
 */
final class PlainOnTlsPort extends ByteToMessageDecoder {
    private static final int RECORD_HEADER = 5;

    private final SslContext context;

    PlainOnTlsPort(SslContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < RECORD_HEADER) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            ctx.pipeline().remove(this);
            return;
        }
        ByteBuf alert = ctx.alloc().buffer();
        SSLEngine engine = context.newEngine(ctx.alloc());
        try {
            ByteBuffer plain = in.nioBuffer();
            ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            try {
                engine.unwrap(plain, app);
            } catch (SSLException expected) {
                // The engine refuses the bytes and queues its alert: wrap takes it out.
            }
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), net);
            net.flip();
            alert.writeBytes(net);
        } catch (SSLException e) {
            // No alert to send: the close alone tells the client.
        } finally {
            engine.closeOutbound();
        }
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(alert).addListener(ChannelFutureListener.CLOSE);
    }
}
