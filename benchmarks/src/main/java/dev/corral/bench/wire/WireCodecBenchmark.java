package dev.corral.bench.wire;

import dev.corral.server.tree.NodeKind;
import dev.corral.server.tree.NodeMeta;
import dev.corral.server.tree.TreeBootstrap;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.OpCode;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client-protocol codec as the server runs it: request frames decoded with {@link Jute#input}/{@link Jute#read}
 * (the body after the 8-byte xid/type header, as {@code RequestProcessor} does), replies built with
 * {@link Jute#replyFrame}. One operation = one request decoded and/or one reply frame encoded.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar WireCodec -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WireCodecBenchmark {
    private static final int MAX_BUFFER = 0xfffff;
    private static final String PATH = "/corral-bench/data/k-0000000042";

    private byte[] getDataFrame;
    private byte[] createFrame;
    private byte[] setDataFrame;
    private byte[] data;
    private NodeMeta meta;
    private int xid;

    @Setup(Level.Trial)
    public void setUp() {
        data = new byte[1024];
        meta = NodeMeta.created(0x1_0000_0042L, 1_700_000_000_000L, data.length, 1, NodeKind.PERSISTENT, 0, 0)
                .withData(0x1_0000_0099L, 1_700_000_000_100L, data.length);
        getDataFrame = frame(OpCode.GET_DATA, Jute.serialize(new GetDataRequest(PATH, true)));
        createFrame = frame(OpCode.CREATE, Jute.serialize(new CreateRequest("/corral-bench/create/n-", data,
                TreeBootstrap.OPEN_ACL_UNSAFE, 2)));
        setDataFrame = frame(OpCode.SET_DATA, Jute.serialize(new SetDataRequest(PATH, data, -1)));
    }

    /** The hot read: decode a getData request, build its reply (header, 1 KiB of data, Stat) as one frame. */
    @Benchmark
    public byte[] getDataDecodeAndReply(Blackhole bh) throws IOException {
        BinaryInputArchive in = Jute.input(getDataFrame, 8, getDataFrame.length - 8, MAX_BUFFER);
        bh.consume(Jute.read(in, new GetDataRequest()));
        return Jute.replyFrame(new ReplyHeader(++xid, 0x1_0000_0100L, 0), new GetDataResponse(data, meta.toStat()));
    }

    /** Decode only: a create of 1 KiB with the open ACL (PERSISTENT_SEQUENTIAL). */
    @Benchmark
    public CreateRequest createDecode() throws IOException {
        BinaryInputArchive in = Jute.input(createFrame, 8, createFrame.length - 8, MAX_BUFFER);
        return Jute.read(in, new CreateRequest());
    }

    /** Decode only: a setData of 1 KiB. */
    @Benchmark
    public SetDataRequest setDataDecode() throws IOException {
        BinaryInputArchive in = Jute.input(setDataFrame, 8, setDataFrame.length - 8, MAX_BUFFER);
        return Jute.read(in, new SetDataRequest());
    }

    /** A reply with a header and no body (every error reply, and the reply to delete). */
    @Benchmark
    public byte[] replyHeaderEncode() {
        return Jute.replyFrame(new ReplyHeader(++xid, 0x1_0000_0100L, 0), null);
    }

    /** A request frame as the client sends it, without the length prefix: xid, type, then the body. */
    private static byte[] frame(int type, byte[] body) {
        byte[] frame = new byte[8 + body.length];
        putInt(frame, 0, 7);
        putInt(frame, 4, type);
        System.arraycopy(body, 0, frame, 8, body.length);
        return frame;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
