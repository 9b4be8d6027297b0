package dev.corral.mesos.scheduler;

import dev.corral.mesos.config.FrameworkConfig;
import dev.corral.mesos.state.TaskIds;
import dev.corral.mesos.state.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the leader must do to bring the recorded tasks to configuration version {@code version}, worked out from the
 * stored state alone, so a new leader computes the same plan and continues a half-done rollout where it stopped (and
 * {@code corral-mesos status} shows the same rollout state without asking the leader).
 *
 * <p>Rules: slots at or above the instance count are stopped (scale down); an empty slot is launched (scale up, or the
 * second half of a replacement); a slot whose task runs another spec is replaced, kill first then launch, one slot at
 * a time: the lowest such slot, and only while every other slot of the current spec is TASK_RUNNING (for at least
 * the document's {@code rollout_settle}) and none waits for a launch. A slot whose task of this version ended (failed, killed by an operator) is not relaunched: that stops
 * the rollout, and says so, until a new version is set.
 */
public record RolloutPlan(int version, Phase phase, List<Launch> launches, List<Kill> kills, String summary) {

    /** Rollout state of the current version. */
    public enum Phase { DONE, IN_PROGRESS, FAILED }

    /** A task to launch: a new id, or a record Mesos never saw ({@code relaunch}) launched again under its own id. */
    public record Launch(int slot, String taskId, Optional<TaskRecord> relaunch) {}

    /** A task to kill, and why. */
    public record Kill(String taskId, String reason) {}

    /**
     * @param legacyHash the spec hash to assume for records written before tasks carried one (the seed version's)
     */
    public static RolloutPlan compute(String frameworkName, int version, FrameworkConfig config, List<TaskRecord> tasks,
                                      String legacyHash, long nowMillis) {
        TaskIds ids = new TaskIds(frameworkName);
        String hash = config.specHash();
        int n = config.instances();
        Map<Integer, List<TaskRecord>> bySlot = new TreeMap<>();
        for (TaskRecord t : tasks) {
            ids.parse(t.taskId()).ifPresent(p -> bySlot.computeIfAbsent(p.slot(), k -> new ArrayList<>()).add(t));
        }
        for (int s = 0; s < n; s++) {
            bySlot.computeIfAbsent(s, k -> new ArrayList<>());
        }
        List<Launch> launches = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        List<Integer> toReplace = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int running = 0;
        int starting = 0;
        int stopping = 0;
        int settling = 0;
        for (Map.Entry<Integer, List<TaskRecord>> e : bySlot.entrySet()) {
            int slot = e.getKey();
            List<TaskRecord> live = e.getValue().stream().filter(RolloutPlan::live).toList();
            if (slot >= n) {
                live.forEach(t -> kills.add(new Kill(t.taskId(), "scale down to " + n + " (config v" + version + ")")));
                stopping += live.size();
                continue;
            }
            List<TaskRecord> current = live.stream().filter(t -> hashOf(t, legacyHash).equals(hash)).toList();
            List<TaskRecord> stale = live.stream().filter(t -> !hashOf(t, legacyHash).equals(hash)).toList();
            if (!current.isEmpty()) {
                stale.forEach(t -> kills.add(new Kill(t.taskId(), "superseded in slot " + slot + " (config v" + version + ")")));
                stopping += stale.size();
                Optional<TaskRecord> up = current.stream().filter(TaskRecord::isRunning).findFirst();
                if (up.isPresent()) {
                    running++;
                    if (nowMillis - up.get().updatedMillis() < config.rolloutSettle().toMillis()) {
                        settling++;
                    }
                } else {
                    starting++;
                }
            } else if (!stale.isEmpty()) {
                toReplace.add(slot);
            } else {
                Optional<TaskRecord> unseen = e.getValue().stream().filter(RolloutPlan::relaunchable)
                        .max(Comparator.comparing(t -> ids.parse(t.taskId()).orElseThrow().version()));
                String id = ids.of(slot, version);
                Optional<TaskRecord> ended = e.getValue().stream().filter(t -> t.taskId().equals(id) && t.isTerminal()).findFirst();
                if (unseen.isPresent()) {
                    launches.add(new Launch(slot, unseen.get().taskId(), unseen));
                    starting++;
                } else if (ended.isPresent()) {
                    failed.add(id + " " + ended.get().state() + (ended.get().message().isBlank() ? "" : ": " + ended.get().message()));
                } else {
                    launches.add(new Launch(slot, id, Optional.empty()));
                    starting++;
                }
            }
        }
        boolean settled = starting == 0 && settling == 0 && failed.isEmpty();
        if (!toReplace.isEmpty() && settled) {
            int slot = toReplace.get(0);
            bySlot.get(slot).stream().filter(RolloutPlan::live).forEach(t ->
                    kills.add(new Kill(t.taskId(), "rolling replacement of slot " + slot + " (config v" + version + ")")));
        }
        Phase phase = !failed.isEmpty() ? Phase.FAILED
                : running == n && stopping == 0 && toReplace.isEmpty() ? Phase.DONE : Phase.IN_PROGRESS;
        String summary = "config v" + version + ": " + running + "/" + n + " running the current spec"
                + (toReplace.isEmpty() ? "" : ", " + toReplace.size() + " to replace")
                + (starting == 0 ? "" : ", " + starting + " starting")
                + (settling == 0 || toReplace.isEmpty() ? "" : ", " + settling + " settling")
                + (stopping == 0 ? "" : ", " + stopping + " stopping")
                + (failed.isEmpty() ? "" : "; rollout stopped: " + String.join("; ", failed));
        return new RolloutPlan(version, phase, launches, kills, summary);
    }

    /** Non-terminal and known to Mesos (or possibly so): it occupies its slot. */
    static boolean live(TaskRecord t) {
        return !t.isTerminal() && !relaunchable(t);
    }

    /** Mesos says the task never reached an agent: launching it (again) cannot make two copies. */
    static boolean relaunchable(TaskRecord r) {
        return r.state().equals("TASK_UNKNOWN") || r.state().equals("TASK_DROPPED");
    }

    private static String hashOf(TaskRecord t, String legacyHash) {
        return t.specHash().isEmpty() ? legacyHash : t.specHash();
    }
}
