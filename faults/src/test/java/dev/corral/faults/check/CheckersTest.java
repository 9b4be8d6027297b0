package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.faults.history.History;
import dev.corral.faults.history.Op;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckersTest {
    @Test
    void everyWorkloadOfTheVocabularyHasItsChecker() {
        assertThat(Checkers.workloads()).containsExactly("register", "register-nosync", "set", "unique-ids", "counter", "total-queue",
                "lock", "sessions", "watches", "flood");
        for (String w : Checkers.workloads()) {
            assertThat(Checkers.forWorkload(w).name()).isEqualTo(w);
        }
        assertThat(Checkers.forWorkload("register")).isInstanceOf(LinearizabilityChecker.class);
        assertThatThrownBy(() -> Checkers.forWorkload("bank")).hasMessageContaining("bank");
    }

    @Test
    void aResultReadsAsOneLineAndAsJson() throws Exception {
        Hist h = new Hist().invoke(0, "add", 1L).ok(0).invoke(0, "read", null).ok(0, Hist.list());
        Result r = Checkers.forWorkload("set").check(h.history());
        assertThat(r.summary()).startsWith("set INVALID adds=1 ok=1").contains("lost=1")
                .contains("| first: lost [0, 1, 2, 3]");
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertThat(json.get("checker").asText()).isEqualTo("set");
        assertThat(json.get("verdict").asText()).isEqualTo("invalid");
        assertThat(json.get("valid").asBoolean()).isFalse();
        assertThat(json.get("counts").get("lost").asLong()).isEqualTo(1);
        assertThat(json.get("anomalies").get(0).get("kind").asText()).isEqualTo("lost");
        assertThat(json.get("anomalies").get(0).get("events").get(2).asLong()).isEqualTo(2);
    }

    @Test
    void historiesReadBackFromTheirFilesAreJudgedAlike(@TempDir Path dir) {
        List<Op> register = new RegisterSimulator(7, List.of("r0", "r1"), 5, 4).run(8, 400);
        Hist sessions = new Hist().invoke(0, "open", null, null).ok(0, "0x1")
                .invoke(0, "create-ephemeral", "0x1", null).ok(0, "/sessions/e-0x1")
                .invoke(0, "check-own", "0x1", null).ok(0, false)
                .invoke(9, "final-ephemerals", null, null).ok(9, Hist.list("e-0x1"));
        Hist watches = new Hist().invoke(0, "write", "w0", 1L).ok(0, Hist.list(1L, 100L))
                .pair(9, "event", null, Hist.list("NodeDataChanged", "/watches/w0", 100L));
        for (var c : List.of(Map.entry("register", History.of(register)), Map.entry("sessions", sessions.history()),
                Map.entry("watches", watches.history()))) {
            Path file = dir.resolve(c.getKey() + ".jsonl");
            c.getValue().write(file);
            Checker checker = Checkers.forWorkload(c.getKey());
            Result direct = checker.check(c.getValue());
            Result fromFile = checker.check(History.read(file));
            assertThat(fromFile).as(c.getKey()).isEqualTo(direct);
        }
        assertThat(Checkers.forWorkload("sessions").check(sessions.history()).anomalies())
                .extracting(Anomaly::kind).containsExactly("ephemeral-missing");
    }

    @Test
    void anomaliesBeyondTheCapAreCountedNotListed() {
        Hist h = new Hist();
        for (long e = 0; e < 300; e++) {
            h.invoke(0, "add", e).ok(0);
        }
        h.invoke(0, "read", null).ok(0, Hist.list());
        Result r = new SetChecker().check(h.ops());
        assertThat(r.count("lost")).isEqualTo(300);
        assertThat(r.anomalies()).hasSize(Result.Builder.MAX_ANOMALIES);
    }

    @Test
    void aMalformedHistoryIsRefusedNotJudged() {
        Hist h = new Hist().invoke(0, "add", 1L).invoke(0, "add", 2L);
        assertThatThrownBy(() -> new SetChecker().check(h.ops())).hasMessageContaining("outstanding");
    }
}
