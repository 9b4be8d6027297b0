package dev.corral.faults.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void aHistoryReadsBackAsWritten() {
        History h = new History();
        h.record(0, Op.Type.INVOKE, "cas", "r1", Arrays.asList(1L, 2L), null);
        h.record(1, Op.Type.INVOKE, "read", "r1", null, null);
        h.record(0, Op.Type.FAIL, "cas", "r1", Arrays.asList(1L, 2L), "BADVERSION");
        h.record(1, Op.Type.OK, "read", "r1", 3L, null);
        h.record(2, Op.Type.INFO, "add", null, "x", "CONNECTIONLOSS");
        Path f = dir.resolve("history.jsonl");
        h.write(f);
        History back = History.read(f);
        assertThat(back.ops()).isEqualTo(h.ops());
        assertThat(back.ops().get(0).listValue()).containsExactly(1L, 2L);
        assertThat(back.ops().get(3).longValue()).isEqualTo(3L);
    }

    @Test
    void aBadLineIsNamed() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"index\":0,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"time\":1}\nnot json\n");
        assertThatThrownBy(() -> History.read(f)).hasMessageContaining("bad.jsonl:2");
    }
}
