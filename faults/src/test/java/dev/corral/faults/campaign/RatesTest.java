package dev.corral.faults.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatesTest {
    private static final long S = 1_000_000_000L;

    /** An op of process p invoked at {@code at} s, completed {@code ms} later with {@code type}. */
    private static void op(List<Op> ops, int p, double at, double ms, Op.Type type) {
        long t = (long) (at * S);
        ops.add(new Op(0, p, Op.Type.INVOKE, "write", null, 1L, t, null));
        ops.add(new Op(0, p, type, "write", null, 1L, t + (long) (ms * 1e6), null));
    }

    @Test
    void okOperationsAreCountedInTheBucketTheyCompleteInWithTheirLatency(@TempDir Path dir) throws Exception {
        List<Op> ops = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < 100; i++) {
            op(ops, p++, 1 + i * 0.01, i < 99 ? 2 : 500, Op.Type.OK);   // bucket 0: p50 2 ms, p99 2 ms (99th of 100)
        }
        op(ops, p++, 6, 3000, Op.Type.INFO);   // not OK: not counted
        for (int i = 0; i < 10; i++) {
            op(ops, p++, 11 + i * 0.1, 10, Op.Type.OK);   // bucket 2
        }
        op(ops, p++, 19, 2000, Op.Type.OK);   // completes at 21 s: past the end, a final read, say
        Rates r = Rates.of(History.of(ops), 20, 5);
        r.write(dir.resolve("rates.txt"));
        List<String> lines = Files.readAllLines(dir.resolve("rates.txt"));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2).trim().split("\\s+")).containsExactly("0", "100", "20.0", "2.0", "2.0");
        assertThat(lines.get(3).trim().split("\\s+")).containsExactly("5", "0", "0.0", "0.0", "0.0");
        assertThat(lines.get(4).trim().split("\\s+")).containsExactly("10", "10", "2.0", "10.0", "10.0");
        assertThat(r.window(0, 10)).isEqualTo("10.0 ok/s p99 2.0 ms");
        assertThat(r.window(10, 20)).isEqualTo("1.0 ok/s p99 10.0 ms");
        assertThat(r.window(5, 5)).isNull();
    }
}
