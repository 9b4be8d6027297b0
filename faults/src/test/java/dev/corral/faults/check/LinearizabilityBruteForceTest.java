package dev.corral.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker's prunings (forced reads, indeterminate ops only before an op that needs them, identical ones counted,
 * subsumption, the quick refutation) against the definition itself: small random histories, linearizable or not,
 * judged by trying every order of every subset of the ops.
 */
class LinearizabilityBruteForceTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @Test
    void theCheckerAgreesWithTryingEveryOrder() {
        int linearizable = 0;
        int not = 0;
        for (long seed = 1; seed <= 4000; seed++) {
            List<Op> history = randomHistory(new Random(seed));
            boolean expected = bruteForce(Call.pair(history));
            Result r = checker.check(history);
            assertThat(r.verdict()).as("seed %d: %s", seed, history)
                    .isEqualTo(expected ? Verdict.VALID : Verdict.INVALID);
            if (expected) {
                linearizable++;
            } else {
                not++;
            }
        }
        // both answers must be common for the comparison to mean something
        assertThat(linearizable).isGreaterThan(800);
        assertThat(not).isGreaterThan(800);
    }

    /** Up to 4 processes, 8 calls on one key, values 0..2, results drawn at random (mostly wrong, sometimes right). */
    private static List<Op> randomHistory(Random random) {
        List<Op> ops = new ArrayList<>();
        Map<Integer, Op> pending = new HashMap<>();
        int nextProcess = 4;
        List<Integer> processes = new ArrayList<>(List.of(0, 1, 2, 3));
        int calls = 0;
        while (calls < 8 || !pending.isEmpty()) {
            int slot = random.nextInt(processes.size());
            int p = processes.get(slot);
            Op inv = pending.get(p);
            if (inv == null) {
                if (calls < 8) {
                    int kind = random.nextInt(3);
                    String f = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
                    Object arg = kind == 0 ? null : kind == 1 ? (Object) (long) random.nextInt(3)
                            : List.of((long) random.nextInt(3), (long) random.nextInt(3));
                    inv = new Op(ops.size(), p, Op.Type.INVOKE, f, "r", arg, ops.size(), null);
                    ops.add(inv);
                    pending.put(p, inv);
                    calls++;
                }
                continue;
            }
            int dice = random.nextInt(10);
            Op.Type type = dice < 7 ? Op.Type.OK : dice < 9 ? Op.Type.INFO : Op.Type.FAIL;
            Object value = inv.f().equals("read") && type == Op.Type.OK ? (Object) (long) random.nextInt(3)
                    : inv.value();
            ops.add(new Op(ops.size(), p, type, inv.f(), "r", value, ops.size(), null));
            pending.remove(p);
            if (type == Op.Type.INFO) {
                processes.set(slot, nextProcess++);
            }
        }
        return ops;
    }

    /** Whether some order of all OK calls and any subset of the INFO ones fits both real time and the register. */
    private static boolean bruteForce(List<Call> calls) {
        List<Call> relevant = calls.stream().filter(c -> !c.failed() && !(c.indeterminate() && c.f().equals("read")))
                .toList();
        return extend(relevant, new boolean[relevant.size()], 0L);
    }

    private static boolean extend(List<Call> calls, boolean[] placed, long state) {
        boolean allRequiredPlaced = true;
        for (int i = 0; i < calls.size(); i++) {
            if (!placed[i] && calls.get(i).ok()) {
                allRequiredPlaced = false;
            }
        }
        if (allRequiredPlaced) {
            return true;
        }
        for (int i = 0; i < calls.size(); i++) {
            if (placed[i] || !mayGoNext(calls, placed, calls.get(i))) {
                continue;
            }
            Call c = calls.get(i);
            Long after = apply(c, state);
            if (after != null) {
                placed[i] = true;
                boolean ok = extend(calls, placed, after);
                placed[i] = false;
                if (ok) {
                    return true;
                }
            }
        }
        return false;
    }

    /** No unplaced call completed before this one was invoked. */
    private static boolean mayGoNext(List<Call> calls, boolean[] placed, Call c) {
        for (int j = 0; j < calls.size(); j++) {
            if (!placed[j] && calls.get(j).completionIndex() < c.invokeIndex() && calls.get(j).ok()) {
                return false;
            }
        }
        return true;
    }

    /** The state after c, or null when the register does not allow it. */
    private static Long apply(Call c, long state) {
        switch (c.f()) {
            case "read":
                return ((Number) c.result()).longValue() == state ? state : null;
            case "write":
                return ((Number) c.invoke().value()).longValue();
            default:
                List<?> en = (List<?>) c.invoke().value();
                return ((Number) en.get(0)).longValue() == state ? ((Number) en.get(1)).longValue() : null;
        }
    }
}
