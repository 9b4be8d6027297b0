package dev.corral.server.net;

import dev.corral.server.pipeline.RequestProcessor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the first four bytes of a new connection: a known four-letter word is answered and the connection
 * closed, as ZooKeeper does; anything else is a client handshake, and this handler steps aside.
 */
final class FourLetterSniffer extends ByteToMessageDecoder {
    private final FourLetterWords words;
    private final RequestProcessor processor;

    FourLetterSniffer(FourLetterWords words, RequestProcessor processor) {
        this.words = words;
        this.processor = processor;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        String word = in.toString(in.readerIndex(), 4, StandardCharsets.US_ASCII);
        if (!FourLetterWords.isKnown(word)) {
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        ctx.channel().config().setAutoRead(false);
        if (!words.allowed(word)) {
            reply(ctx, FourLetterWords.refusal(word));
        } else if (word.equals("crst") || word.equals("srst")) {
            // The reset happens on the processor thread, which owns the figures; the answer waits for it.
            processor.resetStats(word.equals("crst")).orTimeout(10, TimeUnit.SECONDS).whenComplete((done, error) ->
                    reply(ctx, error != null ? "error: " + error + "\n" : words.run(word, null, asker(ctx))));
        } else if (word.equals("rqld") || word.equals("ydld")) {
            processor.leadership(word.equals("ydld")).orTimeout(10, TimeUnit.SECONDS).whenComplete((refusal, error) ->
                    reply(ctx, FourLetterWords.leadershipAnswer(word,
                            error != null ? String.valueOf(error.getMessage()) : refusal)));
        } else if (FourLetterWords.STATELESS.contains(word)) {
            reply(ctx, words.run(word, null, asker(ctx)));
        } else {
            processor.stats().orTimeout(10, TimeUnit.SECONDS).whenComplete((stats, error) ->
                    reply(ctx, error != null ? "error: " + error + "\n" : words.run(word, stats, asker(ctx))));
        }
    }

    private static String asker(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a
                ? "/" + a.getAddress().getHostAddress() + ":" + a.getPort() : null;
    }

    private static void reply(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }
}
