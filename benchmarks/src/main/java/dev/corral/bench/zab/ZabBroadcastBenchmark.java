package dev.corral.bench.zab;

import dev.corral.zab.ZabNode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The ZAB broadcast path through the pure state machine: a leader and two followers in one thread, proposal, ACK and
 * COMMIT on every peer. One operation = one proposal committed and applied on all three peers. "batched" proposes
 * {@value #BATCH} payloads per round trip (one Proposal, one ACK, one COMMIT per follower); "single" one per round
 * trip. Run: {@code java -jar benchmarks/target/benchmarks.jar ZabBroadcast -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ZabBroadcastBenchmark {
    static final int BATCH = 100;
    private static final int COMPACT_EVERY = 100;

    @Param({"100", "1024"})
    int payloadBytes;

    private InMemoryEnsemble ensemble;
    private ZabNode leader;
    private byte[] payload;
    private int rounds;
    private long proposed;

    @Setup(Level.Trial)
    public void setUp() {
        ensemble = new InMemoryEnsemble(3);
        leader = ensemble.leader();
        // The host owns payloads; one shared array keeps the measurement about the protocol, not the client.
        payload = new byte[payloadBytes];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batched(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(leader.propose(payload));
        }
        proposed += BATCH;
        roundTrip();
    }

    @Benchmark
    public void single(Blackhole bh) {
        bh.consume(leader.propose(payload));
        proposed++;
        roundTrip();
    }

    /** Guards the figure: every proposal must have been committed and applied on all three peers. */
    @TearDown(Level.Trial)
    public void check() {
        if (ensemble.applied != 3 * proposed || !leader.isEstablishedLeader()) {
            throw new IllegalStateException("applied " + ensemble.applied + " for " + proposed + " proposals");
        }
        System.out.println("# check: " + proposed + " proposals, each applied on 3 peers");
    }

    private void roundTrip() {
        ensemble.settle();
        if (++rounds % COMPACT_EVERY == 0) {
            ensemble.compact();
        }
    }
}
