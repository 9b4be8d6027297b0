package dev.corral.server.replication;

import dev.corral.server.io.EventLoops;
import dev.corral.server.storage.Dirs;
import dev.corral.zab.Message;
import dev.corral.zab.MessageCodec;
import dev.corral.zab.Zxid;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty connections between the peers of an ensemble, on each peer's quorum port.
 *
 * <p>Every peer dials every other peer and sends only on the connection it dialled; it receives on the connections it
 * accepted. So each direction of each pair is one TCP stream, which gives ZAB its per-link FIFO. The dialler's first
 * frame names it (HELLO). A broken connection drops whatever was in flight (ZAB tolerates loss: a follower resyncs)
 * and is redialled with exponential backoff from {@code minBackoffMillis} up to {@code maxBackoffMillis}. A newer
 * accepted connection from a peer replaces the older one, so an old stream cannot deliver behind a new one.
 *
 * <p>Besides ZAB messages a connection carries opaque host frames ({@link #sendHost}) and snapshot directories
 * ({@link #sendSnapshot}). One I/O thread serves every connection; inbound callbacks run on it and must not block.
 * See docs/replication.md for the frame layout.
 *
 * <p>With quorum TLS ({@link QuorumTls}) a dialled connection is TLS when sslQuorum is on, and the quorum port accepts
 * TLS, plain, or both (portUnification, {@link QuorumTlsDetector}). A connection refused before its HELLO is logged
 * once per address, a dialled link refused before the peer answered once per peer, so a peer retrying for hours
 * (a plain member, an untrusted certificate) does not flood the log.
 *
 * <p>Size: one peer link's life (dial, handshake, TLS, heartbeat, idle close, back-off, inbound duplicates, refusals)
 * is read in one place here; TLS set-up, snapshot streaming and framing live in their own classes
 * ({@link QuorumTls}, {@link SnapshotStreamer}, {@link Frames}).
 */
public final class QuorumTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumTransport.class);

    /** Receives ZAB traffic; called on the transport's I/O thread. */
    public interface ZabHandler {
        /** A ZAB message from peer {@code from}. A {@code Snap} is delivered only right after its snapshot. */
        void onMessage(int from, Message message);

        /**
         * A snapshot from peer {@code from} at {@code at} is complete and durable in {@code dir} (under the inbox);
         * the receiver now owns the directory. Always precedes the {@code Snap} message that uses it.
         */
        void onSnapshot(int from, Zxid at, Path dir);

        /** The connection on which peer {@code peer} sends to us closed (the peer may have died). */
        default void onLinkDown(int peer) {
        }

        /** Our connection to {@code peer} opened: what was sent to it while it was down was dropped. */
        default void onLinkUp(int peer) {
        }
    }

    /** Receives opaque host frames; called on the transport's I/O thread. */
    public interface HostFrameHandler {
        void onHostFrame(int from, byte[] payload);
    }

    /**
     * Tuning.
     *
     * @param maxFrameBytes    largest frame accepted (a bigger one closes the connection)
     * @param heartbeatMillis  how often a dialled connection sends a heartbeat (answered by the acceptor)
     * @param idleMillis       a connection that has received nothing for this long is closed (and redialled)
     * @param minBackoffMillis first redial delay after a failure
     * @param maxBackoffMillis the redial delay doubles up to this
     * @param chunkBytes       snapshot chunk size
     */
    public record Options(int maxFrameBytes, int heartbeatMillis, int idleMillis, int minBackoffMillis,
                          int maxBackoffMillis, int chunkBytes) {
        public static Options defaults() {
            return new Options(256 << 20, 500, 5_000, 50, 1_000, 64 << 10);
        }
    }

    private final int myId;
    private final InetSocketAddress bindAddress;
    private final Path snapshotInbox;
    private final Options options;
    private final QuorumTls tls;
    /** Addresses whose refused connection was logged at WARN; later refusals from them log at DEBUG. */
    private final Set<String> refusedLogged = ConcurrentHashMap.newKeySet();
    /** The peers this one dials: the configuration's members, and joiners that dialled in (see {@link #hello}). */
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private final Map<Integer, Channel> inbound = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile ZabHandler zabHandler = new ZabHandler() {
        @Override
        public void onMessage(int from, Message message) {
        }

        @Override
        public void onSnapshot(int from, Zxid at, Path dir) {
            Dirs.deleteQuietly(dir);
        }
    };
    private volatile HostFrameHandler hostHandler = (from, payload) -> { };
    private EventLoopGroup group;
    private Channel serverChannel;

    /**
     * @param myId          this peer's server id
     * @param peers         every member's quorum address, this peer's included (it binds there)
     * @param snapshotInbox where received snapshots are written (one fresh directory per transfer)
     */
    public QuorumTransport(int myId, Map<Integer, InetSocketAddress> peers, Path snapshotInbox, Options options) {
        this(myId, peers, peers.get(myId), snapshotInbox, options, QuorumTls.PLAIN);
    }

    /** As above, with TLS on the quorum connections as {@code tls} says (sslQuorum, portUnification). */
    public QuorumTransport(int myId, Map<Integer, InetSocketAddress> peers, Path snapshotInbox, Options options,
                           QuorumTls tls) {
        this(myId, peers, peers.get(myId), snapshotInbox, options, tls);
    }

    /** As above, binding to {@code bindAddress} instead of this peer's own entry (e.g. 0.0.0.0). */
    public QuorumTransport(int myId, Map<Integer, InetSocketAddress> peers, InetSocketAddress bindAddress,
                           Path snapshotInbox, Options options, QuorumTls tls) {
        if (!peers.containsKey(myId) || bindAddress == null) {
            throw new IllegalArgumentException("server " + myId + " has no quorum address in " + peers);
        }
        this.myId = myId;
        this.bindAddress = bindAddress;
        this.snapshotInbox = snapshotInbox;
        this.options = options;
        this.tls = tls;
        for (Map.Entry<Integer, InetSocketAddress> e : peers.entrySet()) {
            if (e.getKey() != myId) {
                links.put(e.getKey(), new Link(e.getKey(), e.getValue()));
            }
        }
    }

    public void setZabHandler(ZabHandler handler) {
        this.zabHandler = handler;
    }

    public void setHostFrameHandler(HostFrameHandler handler) {
        this.hostHandler = handler;
    }

    public int myId() {
        return myId;
    }

    public Path snapshotInbox() {
        return snapshotInbox;
    }

    /** Binds the quorum port and starts dialling the other peers. Idempotent. */
    public void start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        Files.createDirectories(snapshotInbox);
        group = EventLoops.group(1, new DefaultThreadFactory("quorum-io-" + myId, true));
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls.acceptsTls() && tls.acceptsPlain()) {
                            p.addLast(new QuorumTlsDetector(() -> tls.accepting(ch.alloc(), ch.remoteAddress())));
                        } else if (tls.acceptsTls()) {
                            p.addLast(tls.accepting(ch.alloc(), ch.remoteAddress()));
                        }
                        p.addLast(new IdleStateHandler(options.idleMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                new LengthFieldBasedFrameDecoder(options.maxFrameBytes(), 0, 4, 0, 4),
                                new InboundHandler());
                    }
                });
        try {
            serverChannel = sb.bind(bindAddress).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot bind quorum port " + bindAddress + ": " + e, e);
        }
        LOG.info("server {}: quorum transport listening on {} ({}) on Netty {}", myId, serverChannel.localAddress(),
                tls.acceptsPlain() ? (tls.acceptsTls() ? "TLS and plain: portUnification" : "plain") : "TLS only",
                EventLoops.transport());
        for (Link link : links.values()) {
            group.execute(link::connect);
        }
    }

    /**
     * The membership changed (a committed reconfig, or a snapshot bringing one): dials the members now listed at
     * their listed addresses and stops dialling the peers no longer listed. Any thread.
     */
    public void updatePeers(Map<Integer, InetSocketAddress> members) {
        Runnable update = () -> {
            for (Map.Entry<Integer, InetSocketAddress> e : members.entrySet()) {
                int id = e.getKey();
                Link old = links.get(id);
                if (id == myId || old != null && old.address.equals(e.getValue())) {
                    continue;
                }
                if (old != null) {
                    old.retire();
                }
                addLink(id, e.getValue());
            }
            for (Link link : List.copyOf(links.values())) {
                if (!members.containsKey(link.peer)) {
                    LOG.info("server {}: {} is no longer a member; not dialling it", myId, link.peer);
                    link.retire();
                    links.remove(link.peer, link);
                }
            }
        };
        if (group == null) {
            update.run();
        } else {
            group.execute(update);
        }
    }

    /** I/O thread (or before start). */
    private void addLink(int id, InetSocketAddress address) {
        Link link = new Link(id, address);
        links.put(id, link);
        if (group != null && !closed) {
            LOG.info("server {}: dialling {} at {}", myId, id, address);
            link.connect();
        }
    }

    /** The bound quorum port (after {@link #start}). */
    public int boundPort() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Queues a ZAB message for {@code peer}; it leaves at the next {@link #flush}. Dropped (returns false) when there
     * is no connection to the peer right now.
     */
    public boolean send(int peer, Message message) {
        return sendEncoded(peer, MessageCodec.toBytes(message));
    }

    /** As {@link #send(int, Message)}, given {@link MessageCodec#toBytes} of the message (one encoding for many peers). */
    public boolean sendEncoded(int peer, byte[] body) {
        Link link = links.get(peer);
        Channel ch = link == null ? null : link.channel;
        if (ch == null) {
            return false;
        }
        if (body.length + 1 > options.maxFrameBytes()) {
            LOG.error("server {}: ZAB message of {} bytes to {} exceeds the frame limit; dropped", myId, body.length,
                    peer);
            return false;
        }
        ch.write(Frames.frame(ch.alloc(), FrameType.ZAB, body), ch.voidPromise());
        link.dirty = true;
        return true;
    }

    /**
     * Sends a ZAB message to {@code peer} now, flushing it, from any thread: for messages that need no order relative
     * to what another thread is sending at the same time (a follower's read-index messages while its fsync's thread
     * sends ACKs). Dropped (returns false) when there is no connection.
     */
    public boolean sendNow(int peer, Message message) {
        Link link = links.get(peer);
        Channel ch = link == null ? null : link.channel;
        if (ch == null) {
            return false;
        }
        ch.writeAndFlush(Frames.frame(ch.alloc(), FrameType.ZAB, MessageCodec.toBytes(message)), ch.voidPromise());
        return true;
    }

    /** Sends everything queued by {@link #send}. */
    public void flush() {
        for (Link link : links.values()) {
            if (link.dirty) {
                link.dirty = false;
                Channel ch = link.channel;
                if (ch != null) {
                    ch.flush();
                }
            }
        }
    }

    /**
     * Sends an opaque host frame to {@code peer} now (and flushes anything queued to it). Any thread. Returns false
     * when there is no connection; a frame in flight on a connection that breaks is lost.
     */
    public boolean sendHost(int peer, byte[] payload) {
        Link link = links.get(peer);
        Channel ch = link == null ? null : link.channel;
        if (ch == null || payload.length + 1 > options.maxFrameBytes()) {
            return false;
        }
        ch.writeAndFlush(Frames.frame(ch.alloc(), FrameType.HOST, payload), ch.voidPromise());
        return true;
    }

    /**
     * Streams the regular files under {@code dir} to {@code peer}, ordered before anything sent to it afterwards.
     * {@code whenDone} runs exactly once when the stream ended, was cut off, or could not start (any thread); the
     * caller may delete the directory then. Returns false if there is no connection (whenDone has run).
     */
    public boolean sendSnapshot(int peer, Zxid at, Path dir, Runnable whenDone) {
        Link link = links.get(peer);
        Channel ch = link == null ? null : link.channel;
        if (ch == null) {
            whenDone.run();
            return false;
        }
        SnapshotStreamer streamer;
        try {
            streamer = new SnapshotStreamer(at, dir, options.chunkBytes(), whenDone);
        } catch (IOException e) {
            LOG.error("server {}: cannot read snapshot {} for {}: {}", myId, dir, peer, e.toString());
            whenDone.run();
            return false;
        }
        LOG.info("server {}: sending snapshot at {} to {} ({} files, {} bytes)", myId, at, peer,
                streamer.fileCount(), streamer.totalBytes());
        ch.writeAndFlush(streamer).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                streamer.close();
                LOG.info("server {}: snapshot to {} cut off: {}", myId, peer, String.valueOf(f.cause()));
            }
        });
        return true;
    }

    /** True if a dialled connection to {@code peer} is up. */
    public boolean isConnected(int peer) {
        Link link = links.get(peer);
        return link != null && link.channel != null;
    }

    /** Peers with a dialled connection up right now. */
    public Set<Integer> connectedPeers() {
        Set<Integer> out = new TreeSet<>();
        for (Link link : links.values()) {
            if (link.channel != null) {
                out.add(link.peer);
            }
        }
        return out;
    }

    /** Closes every connection and stops dialling. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (group == null) {
            return;
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        for (Link link : links.values()) {
            Channel ch = link.channel;
            if (ch != null) {
                ch.close();
            }
        }
        for (Channel ch : inbound.values()) {
            ch.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("server {}: quorum transport closed", myId);
    }

    // ---------------------------------------------------------------- dialled connections

    /** The connection this peer dialled to one other peer, and its redial state. Mutated on the I/O thread. */
    private final class Link {
        final int peer;
        final InetSocketAddress address;
        volatile Channel channel;
        volatile boolean dirty;
        long backoffMillis = options.minBackoffMillis();
        /** The redial waiting out its backoff, if any (I/O thread only). */
        ScheduledFuture<?> pendingRedial;
        /**
         * A connection to the peer failed before it answered (a refused handshake, a TLS/plain mismatch): that was
         * logged once, and the retries are logged at DEBUG until a connection answers again.
         */
        volatile boolean quiet;
        /** No longer a member (or dialled at another address now): no redials, its connection closed. */
        volatile boolean retired;

        Link(int peer, InetSocketAddress address) {
            this.peer = peer;
            this.address = address;
        }

        /** I/O thread. */
        void retire() {
            retired = true;
            if (pendingRedial != null) {
                pendingRedial.cancel(false);
            }
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        void connect() {
            pendingRedial = null;
            if (closed || retired) {
                return;
            }
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(EventLoops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(options.maxBackoffMillis(), 1000))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (tls.dialsTls()) {
                                p.addLast(tls.dialling(ch.alloc(), address));
                            }
                            p.addLast(new IdleStateHandler(options.idleMillis(), 0, 0, TimeUnit.MILLISECONDS));
                            p.addLast(new LengthFieldBasedFrameDecoder(options.maxFrameBytes(), 0, 4, 0, 4));
                            // Heartbeats are written from here, below the chunked writer, so a long snapshot stream
                            // does not hold them back; they fall between whole frames.
                            p.addLast(new DialledHandler(Link.this));
                            p.addLast(new ChunkedWriteHandler());
                        }
                    });
            b.connect(address).addListener((ChannelFutureListener) this::connected);
        }

        private void connected(ChannelFuture f) {
            if (!f.isSuccess()) {
                LOG.debug("server {}: cannot reach {} at {}: {}", myId, peer, address, String.valueOf(f.cause()));
                retry();
                return;
            }
            Channel ch = f.channel();
            if (closed) {
                ch.close();
                return;
            }
            ch.closeFuture().addListener(cf -> {
                boolean wasUp = channel == ch;
                if (wasUp) {
                    channel = null;
                }
                if (!closed) {
                    if (wasUp && !quiet) {
                        LOG.info("server {}: connection to {} lost", myId, peer);
                    } else {
                        LOG.debug("server {}: connection to {} closed", myId, peer);
                    }
                    retry();
                }
            });
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                established(ch);
                return;
            }
            ssl.handshakeFuture().addListener(hf -> {
                if (hf.isSuccess()) {
                    established(ch);
                } else {
                    failedBeforeAnswer("TLS handshake failed: " + rootMessage(hf.cause()));
                    ch.close();
                }
            });
        }

        /** The connection is usable: TCP is up, and TLS is too when sslQuorum is on. */
        private void established(Channel ch) {
            if (closed || !ch.isActive()) {
                return;
            }
            channel = ch; // HELLO is queued: DialledHandler wrote it first thing when the channel went active
            if (quiet) {
                LOG.debug("server {}: connected to {} at {}", myId, peer, address);
            } else {
                LOG.info("server {}: connected to {} at {}{}", myId, peer, address, tls.dialsTls() ? " (TLS)" : "");
            }
            zabHandler.onLinkUp(peer);
        }

        /** The peer answered on the dialled connection: it speaks our protocol, so back-off and logging reset. */
        void answered() {
            backoffMillis = options.minBackoffMillis();
            if (quiet) {
                quiet = false;
                LOG.info("server {}: connection to {} at {} is up again", myId, peer, address);
            }
        }

        /** Logged once per run of failures: a peer that refuses us is retried quietly until it answers. */
        void failedBeforeAnswer(String why) {
            if (!quiet) {
                quiet = true;
                LOG.warn("server {}: connection to {} at {} refused: {}; retrying quietly", myId, peer, address, why);
            } else {
                LOG.debug("server {}: connection to {} at {} refused: {}", myId, peer, address, why);
            }
        }

        private void retry() {
            if (closed || retired) {
                return;
            }
            long delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, options.maxBackoffMillis());
            try {
                pendingRedial = group.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                // the loop is shutting down
            }
        }

        /**
         * The peer just dialled us, so it is up: redial it now instead of at the end of the backoff (up to
         * maxBackoffMillis), which a restarted server would otherwise wait out before it hears anything from us.
         */
        void peerIsUp() {
            if (pendingRedial != null && pendingRedial.cancel(false)) {
                backoffMillis = options.minBackoffMillis();
                connect();
            }
        }
    }

    /** Heartbeats on a dialled connection; closes it when the other side goes silent. */
    private final class DialledHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Link link;
        private ScheduledFuture<?> heartbeat;
        private boolean answered;

        DialledHandler(Link link) {
            this.link = link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Frames.hello(ctx.alloc(), myId, boundPort()), ctx.voidPromise());
            heartbeat = ctx.executor().scheduleAtFixedRate(
                    () -> ctx.writeAndFlush(Frames.heartbeat(ctx.alloc()), ctx.voidPromise()),
                    options.heartbeatMillis(), options.heartbeatMillis(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            if (!answered && !closed) {
                // Closed before the peer ever answered: it wants TLS (sslQuorum without portUnification), or, with
                // TLS 1.3, it refused our certificate after our side of the handshake had completed.
                link.failedBeforeAnswer(tls.dialsTls()
                        ? "closed by the peer before it answered (does its ssl.quorum.trustStore trust our "
                            + "certificate?)"
                        : "closed by the peer before it answered (does it require TLS? set portUnification=true "
                            + "there, or sslQuorum=true here)");
            }
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            // Only heartbeat answers come back on a dialled connection; reading them is what keeps it alive.
            if (!answered) {
                answered = true;
                link.answered();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                LOG.info("server {}: no heartbeat answer on {} for {} ms; closing", myId, ctx.channel().remoteAddress(),
                        options.idleMillis());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("server {}: dialled connection {} failed: {}", myId, ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- accepted connections

    /** Reads one accepted connection: HELLO first, then ZAB, host and snapshot frames from that peer. */
    private final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private int from = -1;
        private SnapshotReceiver receiving;
        private Zxid completedSnapshot;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
            byte type = frame.readByte();
            if (from < 0) {
                hello(ctx, type, frame);
                return;
            }
            switch (type) {
                case FrameType.HEARTBEAT -> ctx.writeAndFlush(Frames.heartbeat(ctx.alloc()), ctx.voidPromise());
                case FrameType.ZAB -> {
                    byte[] body = new byte[frame.readableBytes()];
                    frame.readBytes(body);
                    Message m = MessageCodec.fromBytes(body);
                    if (m instanceof Message.Snap s) {
                        if (!s.at().equals(completedSnapshot)) {
                            LOG.warn("server {}: SNAP at {} from {} without its snapshot; dropped", myId, s.at(), from);
                            return;
                        }
                        completedSnapshot = null;
                    }
                    zabHandler.onMessage(from, m);
                }
                case FrameType.HOST -> {
                    byte[] body = new byte[frame.readableBytes()];
                    frame.readBytes(body);
                    hostHandler.onHostFrame(from, body);
                }
                case FrameType.SNAP_BEGIN -> {
                    abortSnapshot();
                    completedSnapshot = null;
                    receiving = SnapshotReceiver.begin(snapshotInbox, from, frame);
                }
                case FrameType.SNAP_FILE -> receiving().file(frame);
                case FrameType.SNAP_CHUNK -> receiving().chunk(frame);
                case FrameType.SNAP_FILE_END -> receiving().fileEnd(frame);
                case FrameType.SNAP_END -> {
                    SnapshotReceiver r = receiving();
                    Path dir = r.end(frame);
                    receiving = null;
                    completedSnapshot = r.at();
                    LOG.info("server {}: received snapshot at {} from {} into {}", myId, r.at(), from, dir);
                    zabHandler.onSnapshot(from, r.at(), dir);
                }
                default -> throw new IOException("unknown frame type " + type);
            }
        }

        private void hello(ChannelHandlerContext ctx, byte type, ByteBuf frame) throws IOException {
            int size = frame.readableBytes();
            if (type != FrameType.HELLO || size != 9 && size != 13 || frame.readInt() != FrameType.MAGIC
                    || frame.readByte() != FrameType.VERSION) {
                throw new IOException("not a Corral quorum peer (bad HELLO)");
            }
            int id = frame.readInt();
            int port = size == 13 ? frame.readInt() : 0;
            if (id == myId || !links.containsKey(id) && (port < 1 || port > 65535)) {
                throw new IOException("HELLO from unknown server id " + id);
            }
            if (!links.containsKey(id)) {
                // A server that is in no configuration we know (one joining by reconfig): dial it back where it
                // says it listens, on the host it dialled from, so that it can hear elections and the leader.
                String host = ((InetSocketAddress) ctx.channel().remoteAddress()).getHostString();
                LOG.info("server {}: server {} is not a member; dialling it back at {}:{}", myId, id, host, port);
                addLink(id, new InetSocketAddress(host, port));
            }
            from = id;
            refusedLogged.remove(host(ctx.channel()));
            Channel previous = inbound.put(id, ctx.channel());
            if (previous != null && previous != ctx.channel()) {
                previous.close(); // a newer stream from the same peer: the old one must not deliver behind it
            }
            LOG.debug("server {}: accepted connection from {}", myId, id);
            Link link = links.get(id);
            if (link != null) {
                link.peerIsUp(); // same event loop as the link's redials
            }
        }

        private SnapshotReceiver receiving() throws IOException {
            if (receiving == null) {
                throw new IOException("snapshot frame outside a transfer");
            }
            return receiving;
        }

        private void abortSnapshot() {
            if (receiving != null) {
                receiving.abort();
                receiving = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            abortSnapshot();
            if (from >= 0) {
                inbound.remove(from, ctx.channel());
                ZabHandler handler = zabHandler;
                if (handler != null) {
                    handler.onLinkDown(from);
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent e && e.state() == IdleState.READER_IDLE) {
                LOG.info("server {}: nothing from {} for {} ms; closing", myId, from, options.idleMillis());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (from < 0) {
                refused(ctx.channel(), cause);
            } else {
                LOG.warn("server {}: closing connection from {} ({}): {}", myId, from, ctx.channel().remoteAddress(),
                        cause.toString());
            }
            ctx.close();
        }
    }

    /**
     * A connection that never said HELLO is closed: a plain peer on a TLS-only port, a failed handshake, or something
     * that is not a peer. Logged at WARN once per address (until a peer from there gets in), so a peer retrying
     * every second does not flood the log.
     */
    private void refused(Channel ch, Throwable cause) {
        String host = host(ch);
        String why = cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof io.netty.handler.ssl.NotSslRecordException
                ? "not TLS (a plain peer? this port requires TLS: sslQuorum=true without portUnification)"
                : rootMessage(cause);
        if (refusedLogged.add(host)) {
            LOG.warn("server {}: refused a quorum connection from {}: {} (further refusals from {} are logged at "
                    + "DEBUG)", myId, ch.remoteAddress(), why, host);
        } else {
            LOG.debug("server {}: refused a quorum connection from {}: {}", myId, ch.remoteAddress(), why);
        }
    }

    private static String host(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getHostString()
                : String.valueOf(ch.remoteAddress());
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
