package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Histories of a real, sequential compare-and-set register driven by concurrent clients: every op takes effect at one
 * instant (applied to the register) between its invoke and its completion, so the history is linearizable by
 * construction. Some ops end INFO: either after taking effect, or before, and then take effect much later or never.
 * Some end FAIL before taking effect. With a small value range reads are ambiguous and many writes look alike; with
 * unique values (range 0) every write and cas writes a value never written before, and a cas expects a value seen.
 */
final class RegisterSimulator {
    private final Random random;
    private final List<String> keys;
    private final List<Op> ops = new ArrayList<>();
    private final Map<String, Long> register = new HashMap<>();
    private final List<Pending> floating = new ArrayList<>();
    private int nextProcess;
    private final int valueRange;
    private final int infoPercent;
    private long nextUnique = 1;

    private static final class Pending {
        int process;
        String f;
        String key;
        Object arg;
        boolean applied;
        Object result;
        boolean mismatch;
    }

    /**
     * @param valueRange  values written are 0..valueRange-1, or unique when 0
     * @param infoPercent how often (in percent, per chance to complete) an op ends INFO
     */
    RegisterSimulator(long seed, List<String> keys, int valueRange, int infoPercent) {
        this.random = new Random(seed);
        this.keys = keys;
        this.valueRange = valueRange;
        this.infoPercent = infoPercent;
        keys.forEach(k -> register.put(k, 0L));
    }

    List<Op> run(int processes, int calls) {
        Pending[] slots = new Pending[processes];
        int[] slotProcess = new int[processes];
        for (int i = 0; i < processes; i++) {
            slotProcess[i] = nextProcess++;
        }
        int invoked = 0;
        int busy = 0;
        while (invoked < calls || busy > 0) {
            if (!floating.isEmpty() && random.nextInt(50) == 0) {
                apply(floating.remove(random.nextInt(floating.size())));
            }
            int s = random.nextInt(processes);
            Pending p = slots[s];
            if (p == null) {
                if (invoked < calls) {
                    slots[s] = invoke(slotProcess[s]);
                    invoked++;
                    busy++;
                }
                continue;
            }
            int dice = random.nextInt(100);
            if (!p.applied) {
                if (dice < infoPercent) { // lost before taking effect: maybe later, maybe never
                    complete(p, Op.Type.INFO, p.arg, "CONNECTIONLOSS");
                    if (!p.f.equals("read")) {
                        floating.add(p);
                    }
                    slotProcess[s] = nextProcess++;
                    slots[s] = null;
                    busy--;
                } else if (dice < infoPercent + 2) {
                    complete(p, Op.Type.FAIL, p.arg, "OPERATIONTIMEOUT");
                    slots[s] = null;
                    busy--;
                } else if (dice < 50) {
                    apply(p);
                }
            } else if (dice < 40) {
                if (dice < infoPercent) {
                    complete(p, Op.Type.INFO, p.arg, "CONNECTIONLOSS");
                    slotProcess[s] = nextProcess++;
                } else if (p.mismatch) {
                    complete(p, Op.Type.FAIL, p.arg, "MISMATCH");
                } else {
                    complete(p, Op.Type.OK, p.result, null);
                }
                slots[s] = null;
                busy--;
            }
        }
        return ops;
    }

    private Pending invoke(int process) {
        Pending p = new Pending();
        p.process = process;
        p.key = keys.get(random.nextInt(keys.size()));
        int kind = random.nextInt(10);
        if (kind < 4) {
            p.f = "read";
        } else if (kind < 7) {
            p.f = "write";
            p.arg = value();
        } else {
            p.f = "cas";
            // unique values: expect the value there now, which other ops may change before this one applies
            long expected = valueRange > 0 ? value() : register.get(p.key);
            p.arg = List.of(expected, value());
        }
        ops.add(new Op(ops.size(), process, Op.Type.INVOKE, p.f, p.key, p.arg, ops.size(), null));
        return p;
    }

    private long value() {
        return valueRange > 0 ? random.nextInt(valueRange) : nextUnique++;
    }

    private void apply(Pending p) {
        p.applied = true;
        long now = register.get(p.key);
        switch (p.f) {
            case "read" -> p.result = now;
            case "write" -> {
                register.put(p.key, (Long) p.arg);
                p.result = p.arg;
            }
            default -> {
                List<?> en = (List<?>) p.arg;
                p.mismatch = now != (Long) en.get(0);
                if (!p.mismatch) {
                    register.put(p.key, (Long) en.get(1));
                }
                p.result = p.arg;
            }
        }
    }

    private void complete(Pending p, Op.Type type, Object value, String error) {
        ops.add(new Op(ops.size(), p.process, type, p.f, p.key, value, ops.size(), error));
    }
}
