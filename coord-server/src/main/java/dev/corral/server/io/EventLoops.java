package dev.corral.server.io;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport of the client and quorum sockets: Linux's native epoll when its library loads, else the JDK's
 * selector (NIO). A lone write crosses about a dozen event-loop wake-ups between three servers, and the native
 * transport's are cheaper (an eventfd and edge-triggered epoll, no selected-key sets). {@code
 * -Dcorral.netty.epoll=false} forces NIO.
 */
public final class EventLoops {
    private static final boolean EPOLL = !"false".equals(System.getProperty("corral.netty.epoll"))
            && Epoll.isAvailable();

    private EventLoops() {
    }

    /** "epoll" or "nio": which one this process uses. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }

    public static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
        return EPOLL ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    public static EventLoopGroup group(int threads) {
        return EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
