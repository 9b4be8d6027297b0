package dev.corral.server.net;

import dev.corral.server.config.ClientTlsConfig;
import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.io.EventLoops;
import dev.corral.server.pipeline.RequestProcessor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The client ports: the plain {@code clientPort} (which also takes TLS under {@code client.portUnification}) and
 * the TLS-only {@code secureClientPort}, either of which may be absent. Connections on both reach the same request
 * processor; the only difference is the TLS handler at the head of a connection's pipeline.
 */
public final class ClientServer implements AutoCloseable {
    private final EventLoopGroup boss = EventLoops.group(1);
    private final EventLoopGroup workers = EventLoops.group(2);
    private final Channel plain;
    private final Channel secure;
    private final RequestThrottle throttle;

    /** How a port treats TLS. */
    private enum Mode { PLAIN, UNIFIED, TLS }

    public ClientServer(ServerConfig config, RequestProcessor processor) throws InterruptedException, ConfigException {
        ClientTlsConfig tls = config.clientTls();
        ClientSslContext ssl = tls.enabled() ? new ClientSslContext(tls) : null;
        X509Identity x509 = tls.enabled() ? new X509Identity(tls) : null;
        ConnectionLimiter limiter = new ConnectionLimiter(config.maxClientCnxns());
        this.throttle = new RequestThrottle(RequestThrottle.perMember(config.globalOutstandingLimit(),
                Math.max(1, config.servers().size())));
        long sessionless = Long.getLong("zookeeper.nio.sessionlessCnxnTimeout", 10_000L);
        FourLetterWords words = new FourLetterWords(config, this::port, this::securePort);
        Channel plainChannel = null;
        Channel secureChannel = null;
        try {
            if (config.clientPort() >= 0) {
                Mode mode = tls.portUnification() ? Mode.UNIFIED : Mode.PLAIN;
                plainChannel = bind(config.clientPortAddress(), config.clientPort(),
                        initializer(mode, config, processor, words, limiter, sessionless, ssl, x509, throttle));
            }
            if (tls.securePort() >= 0) {
                secureChannel = bind(tls.securePortAddress(), tls.securePort(),
                        initializer(Mode.TLS, config, processor, words, limiter, sessionless, ssl, x509, throttle));
            }
        } catch (InterruptedException | RuntimeException e) {
            if (plainChannel != null) {
                plainChannel.close().syncUninterruptibly();
            }
            shutdownGroups();
            throw e;
        }
        this.plain = plainChannel;
        this.secure = secureChannel;
    }

    private Channel bind(String address, int port, ChannelInitializer<SocketChannel> init) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(init);
        InetSocketAddress at = address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
        return bootstrap.bind(at).sync().channel();
    }

    private static ChannelInitializer<SocketChannel> initializer(Mode mode, ServerConfig config,
            RequestProcessor processor, FourLetterWords words, ConnectionLimiter limiter, long sessionless,
            ClientSslContext ssl, X509Identity x509, RequestThrottle throttle) {
        int maxBuffer = config.juteMaxBuffer();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                switch (mode) {
                    case TLS -> p.addLast("ssl", ssl.newHandler(ch));
                    case UNIFIED -> p.addLast("tls-detect", new TlsDetector(ctx -> ssl.newHandler(ctx.channel())));
                    case PLAIN -> { }
                }
                // The four-letter words work inside TLS too: ZooKeeper looks for them in the decrypted bytes.
                p.addLast("4lw", new FourLetterSniffer(words, processor))
                        // A frame longer than jute.maxbuffer closes the connection, as in ZooKeeper.
                        .addLast("frames", new LengthFieldBasedFrameDecoder(maxBuffer + 4, 0, 4, 0, 4, true))
                        .addLast("client", new ClientChannelHandler(processor, limiter, maxBuffer, sessionless, x509,
                                throttle));
            }
        };
    }

    /** The globalOutstandingLimit in force: requests in flight and the most there ever were. */
    public RequestThrottle throttle() {
        return throttle;
    }

    /** The plain client port, or -1 if there is none. */
    public int port() {
        return plain == null ? -1 : ((InetSocketAddress) plain.localAddress()).getPort();
    }

    /** The TLS-only client port, or -1 if there is none. */
    public int securePort() {
        return secure == null ? -1 : ((InetSocketAddress) secure.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (plain != null) {
            plain.close().syncUninterruptibly();
        }
        if (secure != null) {
            secure.close().syncUninterruptibly();
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
