package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The sessions workload; a session is named by its id in hex, the key of its ops. A session that never saw "expired"
 * and had created its ephemeral must find it (check-own true). No OK write completes by a session after the moment it
 * saw "expired". The final list of ephemerals holds none of a session that had seen "expired" before that read.
 */
public final class SessionsChecker implements Checker {
    private static final Set<String> FUNCTIONS =
            Set.of("open", "expired", "create-ephemeral", "check-own", "write", "final-ephemerals");

    @Override
    public String name() {
        return "sessions";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        List<Call> calls = Call.pair(ops, FUNCTIONS);
        Map<String, Call> expired = new HashMap<>();
        Map<String, Call> ephemeral = new HashMap<>();
        long opened = 0;
        for (Call c : calls) {
            if (c.f().equals("open") && c.ok()) {
                opened++;
            } else if (c.f().equals("expired") && c.ok()) {
                expired.putIfAbsent(c.key(), c);
            } else if (c.f().equals("create-ephemeral") && c.ok()) {
                ephemeral.putIfAbsent(c.key(), c);
            }
        }
        long checks = 0;
        long writes = 0;
        long finals = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        for (Call c : calls) {
            Call sawExpired = expired.get(c.key());
            switch (c.f()) {
                case "open", "expired", "create-ephemeral" -> { }
                case "check-own" -> {
                    if (!c.ok()) {
                        break;
                    }
                    checks++;
                    Call created = ephemeral.get(c.key());
                    boolean exists = Boolean.TRUE.equals(c.result());
                    if (!exists && sawExpired == null && created != null
                            && created.completionIndex() < c.invokeIndex()) {
                        r.anomaly(Anomaly.of("ephemeral-missing", "session " + c.key() + " never saw its expiry but"
                                + " did not find its ephemeral (" + c.describe() + "), created by "
                                + created.describe(), Values.indexes(created, c)));
                    }
                }
                case "write" -> {
                    if (!c.ok()) {
                        break;
                    }
                    writes++;
                    if (sawExpired != null && c.completionIndex() > sawExpired.completionIndex()) {
                        r.anomaly(Anomaly.of("write-after-expiry", "session " + c.key() + " completed a write ("
                                + c.describe() + ") after it saw its expiry at event "
                                + sawExpired.completionIndex(), Values.indexes(sawExpired, c)));
                    }
                }
                case "final-ephemerals" -> {
                    if (!c.ok()) {
                        break;
                    }
                    finals++;
                    for (Object path : Values.asList(c.result(), c.completionIndex())) {
                        String session = sessionOf(String.valueOf(path));
                        Call gone = expired.get(session);
                        if (gone != null && gone.completionIndex() < c.invokeIndex()) {
                            r.anomaly(Anomaly.of("ephemeral-survived", "the ephemeral " + path + " of session "
                                    + session + " is still there, though the session saw its expiry at event "
                                    + gone.completionIndex(), Values.indexes(gone, c)));
                        }
                    }
                }
            }
        }
        r.count("sessions", opened).count("expired", expired.size()).count("check-own", checks)
                .count("writes", writes).count("final-reads", finals);
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        if (finals == 0) {
            r.doubt("no OK final-ephemerals read: surviving ephemerals cannot be judged");
        }
        return r.build();
    }

    /** "/sessions/e-0x1f" or "e-0x1f" -> "0x1f". */
    static String sessionOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.startsWith("e-") ? name.substring(2) : name;
    }
}
