package dev.corral.faults.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.history.Op;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an operation's end is recorded: only a refusal of the request as a whole is FAIL; anything that leaves its
 * outcome open is INFO, and the thread goes on as a new process. No server is involved: the session points at a
 * closed local port and is never used by these actions.
 */
class ClientTest {
    private final Recorder recorder = new Recorder();
    private final Client client = new Client(recorder, "127.0.0.1:1", 4000, Duration.ofMillis(300));

    @AfterEach
    void close() {
        client.close();
    }

    private <T> Op last(CompletableFuture<T> result) {
        client.op("write", "r0", 3L, zk -> result, v -> 3L);
        List<Op> ops = recorder.history().ops();
        assertThat(ops.get(ops.size() - 2).type()).isEqualTo(Op.Type.INVOKE);
        return ops.get(ops.size() - 1);
    }

    private static <T> CompletableFuture<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    @Test
    void aRefusedRequestIsFailAndTheProcessGoesOn() {
        int before = client.process();
        Op end = last(failed(KeeperException.create(Code.BADVERSION, "/r")));
        assertThat(end.type()).isEqualTo(Op.Type.FAIL);
        assertThat(end.error()).isEqualTo("BADVERSION");
        assertThat(client.process()).isEqualTo(before);
    }

    @Test
    void aLostConnectionIsInfoAndANewProcess() {
        int before = client.process();
        Op end = last(failed(KeeperException.create(Code.CONNECTIONLOSS, "/r")));
        assertThat(end.type()).isEqualTo(Op.Type.INFO);
        assertThat(end.error()).isEqualTo("CONNECTIONLOSS");
        assertThat(end.process()).isEqualTo(before);
        assertThat(client.process()).isNotEqualTo(before);
    }

    @Test
    void expiredSessionsAndServerTimeoutsAreInfo() {
        assertThat(last(failed(KeeperException.create(Code.SESSIONEXPIRED, "/r"))).type()).isEqualTo(Op.Type.INFO);
        assertThat(last(failed(KeeperException.create(Code.OPERATIONTIMEOUT, "/r"))).type()).isEqualTo(Op.Type.INFO);
        assertThat(last(failed(new IllegalStateException("surprise"))).type()).isEqualTo(Op.Type.INFO);
    }

    @Test
    void noAnswerWithinTheOpTimeoutIsInfoTimeout() {
        Op end = last(new CompletableFuture<>());
        assertThat(end.type()).isEqualTo(Op.Type.INFO);
        assertThat(end.error()).isEqualTo("TIMEOUT");
    }

    @Test
    void workloadWordsAndValuedInfo() {
        Op mismatch = last(failed(Outcome.fail("MISMATCH")));
        assertThat(mismatch.type()).isEqualTo(Op.Type.FAIL);
        assertThat(mismatch.error()).isEqualTo("MISMATCH");
        Op taking = last(failed(Outcome.info("CONNECTIONLOSS", 7L)));
        assertThat(taking.type()).isEqualTo(Op.Type.INFO);
        assertThat(taking.value()).isEqualTo(7L);
    }

    @Test
    void okRecordsTheOkValue() {
        Op end = last(CompletableFuture.completedFuture("done"));
        assertThat(end.type()).isEqualTo(Op.Type.OK);
        assertThat(end.value()).isEqualTo(3L);
    }
}
