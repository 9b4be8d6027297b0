package dev.corral.mesos.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.mesos.config.FrameworkConfig;
import dev.corral.mesos.state.TaskRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout rules on stored records alone (the plan is a pure function of the document and the task records). */
class RolloutPlanTest {

    private static final FrameworkConfig V0 = FrameworkConfig.seed("w", "sleep 1", 0.1, 16, 3, Duration.ofMinutes(5));
    private static final FrameworkConfig NEW = V0.withCommand("sleep 2");

    private static TaskRecord task(String id, String state, FrameworkConfig spec, long updated) {
        return new TaskRecord(id, Optional.of("agent-0"), state, Optional.empty(), "", 1, updated, Optional.of("h"),
                spec.specHash());
    }

    private static List<String> kills(RolloutPlan p) {
        return p.kills().stream().map(RolloutPlan.Kill::taskId).toList();
    }

    private static List<String> launches(RolloutPlan p) {
        return p.launches().stream().map(RolloutPlan.Launch::taskId).toList();
    }

    @Test
    void replacesTheLowestStaleSlotOnlyOnceEverythingElseRuns() {
        List<TaskRecord> old = List.of(task("w-0", "TASK_RUNNING", V0, 0), task("w-1", "TASK_RUNNING", V0, 0),
                task("w-2", "TASK_RUNNING", V0, 0));
        RolloutPlan p = RolloutPlan.compute("w", 1, NEW, old, V0.specHash(), 1000);
        assertThat(kills(p)).containsExactly("w-0");
        assertThat(launches(p)).isEmpty();
        assertThat(p.phase()).isEqualTo(RolloutPlan.Phase.IN_PROGRESS);

        // Slot 0's old task is gone: launch its replacement, kill nothing else meanwhile.
        List<TaskRecord> killed = List.of(task("w-0", "TASK_KILLED", V0, 0), old.get(1), old.get(2));
        p = RolloutPlan.compute("w", 1, NEW, killed, V0.specHash(), 1000);
        assertThat(launches(p)).containsExactly("w-0-v1");
        assertThat(kills(p)).isEmpty();

        // The replacement is starting: still nothing else is killed.
        List<TaskRecord> starting = List.of(killed.get(0), task("w-0-v1", "TASK_STARTING", NEW, 900), old.get(1), old.get(2));
        assertThat(kills(RolloutPlan.compute("w", 1, NEW, starting, V0.specHash(), 1000))).isEmpty();

        // Running, but not yet for rollout_settle: still waits; once settled, the next slot.
        FrameworkConfig settle = new FrameworkConfig(NEW.command(), NEW.cpus(), NEW.mem(), 3, NEW.environment(),
                NEW.failoverTimeout(), NEW.discovery(), Duration.ofSeconds(5));
        List<TaskRecord> running = List.of(killed.get(0), task("w-0-v1", "TASK_RUNNING", NEW, 900), old.get(1), old.get(2));
        assertThat(kills(RolloutPlan.compute("w", 1, settle, running, V0.specHash(), 2000))).isEmpty();
        assertThat(kills(RolloutPlan.compute("w", 1, settle, running, V0.specHash(), 6000))).containsExactly("w-1");
        assertThat(kills(RolloutPlan.compute("w", 1, NEW, running, V0.specHash(), 1000))).containsExactly("w-1");
    }

    @Test
    void scalesDownFromTheTopAndUpIntoEmptySlots() {
        List<TaskRecord> three = List.of(task("w-0", "TASK_RUNNING", V0, 0), task("w-1", "TASK_RUNNING", V0, 0),
                task("w-2", "TASK_RUNNING", V0, 0));
        RolloutPlan down = RolloutPlan.compute("w", 1, V0.withInstances(1), three, V0.specHash(), 0);
        assertThat(kills(down)).containsExactly("w-1", "w-2");
        RolloutPlan up = RolloutPlan.compute("w", 2, V0.withInstances(5), three, V0.specHash(), 0);
        assertThat(launches(up)).containsExactly("w-3-v2", "w-4-v2");
        assertThat(kills(up)).isEmpty();
        assertThat(RolloutPlan.compute("w", 0, V0, three, V0.specHash(), 0).phase()).isEqualTo(RolloutPlan.Phase.DONE);
    }

    @Test
    void aTaskMesosNeverSawIsLaunchedAgainUnderItsIdAndAnEndedOneStopsTheRollout() {
        List<TaskRecord> ts = List.of(task("w-0", "TASK_RUNNING", V0, 0), task("w-1", "TASK_UNKNOWN", V0, 0),
                task("w-2-v1", "TASK_FAILED", V0, 0));
        RolloutPlan p = RolloutPlan.compute("w", 1, V0, ts, V0.specHash(), 0);
        assertThat(launches(p)).containsExactly("w-1");
        assertThat(p.phase()).isEqualTo(RolloutPlan.Phase.FAILED);
        assertThat(p.summary()).contains("rollout stopped: w-2-v1 TASK_FAILED");
    }

    @Test
    void recordsWithoutASpecHashCountAsTheSeedVersionsSpec() {
        TaskRecord legacy = new TaskRecord("w-0", Optional.of("a"), "TASK_RUNNING", Optional.empty(), "", 1, 0);
        FrameworkConfig one = V0.withInstances(1);
        assertThat(RolloutPlan.compute("w", 3, one, List.of(legacy), V0.specHash(), 0).phase()).isEqualTo(RolloutPlan.Phase.DONE);
        assertThat(kills(RolloutPlan.compute("w", 3, NEW.withInstances(1), List.of(legacy), V0.specHash(), 0)))
                .containsExactly("w-0");
    }
}
