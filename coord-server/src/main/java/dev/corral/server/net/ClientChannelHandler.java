package dev.corral.server.net;

import dev.corral.server.pipeline.RequestProcessor;
import dev.corral.server.wire.Jute;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.ConnectRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads whole frames off one client connection: the first is the connect handshake, the rest requests. Anything
 * that does not parse closes this connection only.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelHandler.class);

    private final RequestProcessor processor;
    private final ConnectionLimiter limiter;
    private final int maxBuffer;
    private final long sessionlessTimeoutMs;
    private final X509Identity x509;
    private final RequestThrottle throttle;
    private NettyClientConnection conn;
    private ReadGate gate;
    private boolean handshakeDone;
    private boolean admitted;
    private ScheduledFuture<?> handshakeTimer;

    ClientChannelHandler(RequestProcessor processor, ConnectionLimiter limiter, int maxBuffer,
                         long sessionlessTimeoutMs, X509Identity x509, RequestThrottle throttle) {
        this.x509 = x509;
        this.throttle = throttle;
        this.processor = processor;
        this.limiter = limiter;
        this.maxBuffer = maxBuffer;
        this.sessionlessTimeoutMs = sessionlessTimeoutMs;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        conn = new NettyClientConnection(ctx.channel());
        gate = new ReadGate(ctx.channel(), throttle,
                frame -> processor.request(conn, readInt(frame, 0), readInt(frame, 4), frame, 8));
        conn.setGate(gate);
        if (!limiter.tryAcquire(conn.remoteIp())) {
            LOG.warn("too many connections from {}; closing", conn.remoteIp());
            ctx.close();
            return;
        }
        admitted = true;
        // A connection that never says hello is dropped, as ZooKeeper drops sessionless connections.
        handshakeTimer = ctx.executor().schedule(() -> {
            if (!handshakeDone) {
                ctx.close();
            }
        }, sessionlessTimeoutMs, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /**
     * A TLS handshake has ended (Netty signals it before the first decrypted byte): a failed one, or a client
     * certificate that does not authenticate, closes the connection; otherwise its x509 ids go with it.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                LOG.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), done.cause().toString());
                ctx.close();
                return;
            }
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            Optional<List<Id>> ids = x509.authenticate(ssl.engine());
            if (ids.isEmpty()) {
                LOG.info("x509 authentication of {} failed; closing", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            conn.setTransportAuthIds(ids.get());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            byte[] bytes = ByteBufUtil.getBytes(frame);
            if (!handshakeDone) {
                handshake(ctx, bytes);
            } else {
                request(ctx, bytes);
            }
        } finally {
            frame.release();
        }
    }

    private void handshake(ChannelHandlerContext ctx, byte[] bytes) {
        ConnectRequest req = new ConnectRequest();
        try {
            BinaryInputArchive in = Jute.input(bytes, 0, bytes.length, maxBuffer);
            req.setProtocolVersion(in.readInt("protocolVersion"));
            req.setLastZxidSeen(in.readLong("lastZxidSeen"));
            req.setTimeOut(in.readInt("timeOut"));
            req.setSessionId(in.readLong("sessionId"));
            req.setPasswd(in.readBuffer("passwd"));
            // Clients before 3.3 send no readOnly flag (a 44-byte request): absent means false.
            req.setReadOnly(bytes.length > 44 && in.readBool("readOnly"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("bad handshake from {}; closing", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        if (req.getPasswd() == null) {
            req.setPasswd(new byte[0]);
        }
        handshakeDone = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        processor.connect(conn, req, bytes.length <= 44);
    }

    private void request(ChannelHandlerContext ctx, byte[] bytes) {
        if (bytes.length < 8) {
            LOG.debug("short request frame from {}; closing", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        gate.read(bytes);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (gate != null) {
            if (ctx.channel().isWritable()) {
                gate.open();
            } else {
                gate.backlogged();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (gate != null) {
            gate.closed();
        }
        if (admitted) {
            limiter.release(conn.remoteIp());
            processor.disconnected(conn);
        }
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Oversized or corrupt frames and I/O errors end this connection only.
        LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
