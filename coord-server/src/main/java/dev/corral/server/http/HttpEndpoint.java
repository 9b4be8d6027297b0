package dev.corral.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty's codec, for the AdminServer and /metrics: one event-loop thread of its own, so a
 * slow scrape never holds a client connection's event loop, and every answer computed elsewhere (the processor
 * thread) and written back when ready.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    /** What an endpoint buffers of a request body unless told otherwise (only the admin restore posts a body). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
    private static final long ANSWER_TIMEOUT_SECONDS = 30;

    /** Answers one request. */
    public interface Handler {
        CompletableFuture<HttpReply> handle(Request request);
    }

    /**
     * A request: method, path (decoded, without the query), the query's parameters (first value of each), the
     * Authorization header or null, the peer's IP address, the body (empty for none), and the certificate chain the
     * client presented in the TLS handshake (empty over plain HTTP or when it presented none).
     */
    public record Request(String method, String path, Map<String, String> query, String authorization,
                          String remoteIp, byte[] body, List<X509Certificate> clientCertificates) {
    }

    /**
     * HTTPS on the endpoint's port: {@code unified} serves plain HTTP too, telling the two apart by the first bytes
     * (Netty's OptionalSslHandler), as Jetty's UnifiedConnectionFactory does for ZooKeeper's admin.portUnification.
     * {@code strictTransportSecurity}: the Strict-Transport-Security header of every answer over TLS, or null.
     */
    public record Tls(SslContext context, boolean unified, String strictTransportSecurity) {
    }

    private final EventLoopGroup group;
    private final Channel channel;

    public HttpEndpoint(String name, String host, int port, Handler handler) throws InterruptedException {
        this(name, host, port, DEFAULT_MAX_REQUEST_BYTES, handler);
    }

    /** {@code maxRequestBytes}: the largest body buffered; a larger one is answered 413 and not handled. */
    public HttpEndpoint(String name, String host, int port, int maxRequestBytes, Handler handler)
            throws InterruptedException {
        this(name, host, port, maxRequestBytes, null, 0, handler);
    }

    /**
     * As above, over TLS when {@code tls} is not null; a connection that neither reads nor writes for
     * {@code idleTimeoutMs} is closed (as Jetty's connector idle timeout does; 0 or less: never).
     */
    public HttpEndpoint(String name, String host, int port, int maxRequestBytes, Tls tls, long idleTimeoutMs,
                        Handler handler) throws InterruptedException {
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("corral-" + name, true));
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (idleTimeoutMs > 0) {
                                ch.pipeline().addLast(new IdleStateHandler(0, 0, idleTimeoutMs,
                                        TimeUnit.MILLISECONDS), new CloseWhenIdle());
                            }
                            if (tls != null) {
                                if (tls.unified()) {
                                    ch.pipeline().addLast(new OptionalSslHandler(tls.context()));
                                } else {
                                    ch.pipeline().addLast(new PlainOnTlsPort(tls.context()),
                                            tls.context().newHandler(ch.alloc()));
                                }
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxRequestBytes),
                                    new Dispatch(handler, tls == null ? null : tls.strictTransportSecurity()));
                        }
                    })
                    .bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (Exception e) {
            // Also a BindException, which Netty's sync() throws undeclared.
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Handler handler;
        private final String strictTransportSecurity;

        Dispatch(Handler handler, String strictTransportSecurity) {
            this.handler = handler;
            this.strictTransportSecurity = strictTransportSecurity;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                write(ctx, HttpReply.text(400, "text/plain", "Bad Request\n"), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            Map<String, String> query = new LinkedHashMap<>();
            uri.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
            byte[] body = new byte[req.content().readableBytes()];
            req.content().readBytes(body);
            String remoteIp = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                    ? a.getAddress().getHostAddress() : "";
            Request request = new Request(req.method().name(), uri.path(), query,
                    req.headers().get(HttpHeaderNames.AUTHORIZATION), remoteIp, body, clientCertificates(ctx));
            CompletableFuture<HttpReply> answer;
            try {
                answer = handler.handle(request);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.orTimeout(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((reply, error) -> {
                if (error != null) {
                    LOG.warn("HTTP {} {} failed", request.method(), request.path(), error);
                    reply = HttpReply.text(500, "text/plain", "Internal Server Error\n");
                }
                if (strictTransportSecurity != null && ctx.pipeline().get(SslHandler.class) != null) {
                    reply = reply.withHeader("Strict-Transport-Security", strictTransportSecurity);
                }
                write(ctx, reply, keepAlive);
            });
        }

        /** The chain of a TLS connection whose client presented a certificate; empty otherwise. */
        private static List<X509Certificate> clientCertificates(ChannelHandlerContext ctx) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl == null) {
                return List.of();
            }
            try {
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                    if (c instanceof X509Certificate x) {
                        chain.add(x);
                    }
                }
                return List.copyOf(chain);
            } catch (SSLPeerUnverifiedException e) {
                return List.of();
            }
        }

        private static void write(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            reply.headers().forEach((k, v) -> response.headers().set(k, v));
            HttpUtil.setContentLength(response, reply.body().length);
            HttpUtil.setKeepAlive(response, keepAlive);
            var done = ctx.writeAndFlush(response);
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Closes the connection on the IdleStateHandler's event. */
    private static final class CloseWhenIdle extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}
