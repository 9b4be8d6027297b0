package dev.corral.server.net;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.pipeline.RequestProcessor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;

/** The client port: accepts connections and hands their frames to the request processor. */
public final class ClientServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final Channel channel;

    public ClientServer(ServerConfig config, RequestProcessor processor) throws InterruptedException {
        ConnectionLimiter limiter = new ConnectionLimiter(config.maxClientCnxns());
        long sessionless = Long.getLong("zookeeper.nio.sessionlessCnxnTimeout", 10_000L);
        int maxBuffer = config.juteMaxBuffer();
        FourLetterWords words = new FourLetterWords(config, this::port);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("4lw", new FourLetterSniffer(words, processor))
                                // A frame longer than jute.maxbuffer closes the connection, as in ZooKeeper.
                                .addLast("frames", new LengthFieldBasedFrameDecoder(maxBuffer + 4, 0, 4, 0, 4, true))
                                .addLast("client", new ClientChannelHandler(processor, limiter, maxBuffer, sessionless));
                    }
                });
        InetSocketAddress address = config.clientPortAddress() == null
                ? new InetSocketAddress(config.clientPort())
                : new InetSocketAddress(config.clientPortAddress(), config.clientPort());
        this.channel = bootstrap.bind(address).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
