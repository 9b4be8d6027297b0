package dev.corral.faults.check;

import dev.corral.faults.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The watches workload: writers set /watches/w&lt;k&gt; (key "w&lt;k&gt;") and learn the mzxid; watching processes
 * record each notification of their persistent recursive watch as [type, path, zxid], and their disconnections and
 * reconnections. Per watching process, zxids strictly increase. Every notification matches a write of that path with
 * that zxid: an OK write's mzxid, or else an INFO write of that path invoked before the notification (each INFO
 * write can account for one zxid only). While a watcher stays connected, every OK write whose mzxid lies between two of
 * its notifications' zxids was notified to it (no gap). Notifications without a zxid (-1) cannot be judged and are
 * counted apart.
 */
public final class WatchesChecker implements Checker {
    private static final Set<String> FUNCTIONS = Set.of("write", "event", "disconnected", "reconnected");

    static final String ROOT = "/watches/";

    private record Event(Call call, String type, String path, long zxid) {}

    private record PathZxid(String path, long zxid) {}

    @Override
    public String name() {
        return "watches";
    }

    @Override
    public Result check(List<Op> ops) {
        Result.Builder r = Result.builder(name());
        Map<PathZxid, Call> okWrites = new HashMap<>();
        NavigableMap<Long, Call> okByZxid = new TreeMap<>();
        Map<String, List<Call>> infoWrites = new HashMap<>();
        Map<Integer, List<Object>> watchers = new LinkedHashMap<>(); // per watching process: events and markers
        long events = 0;
        long noZxid = 0;
        long ignored = Call.others(ops, FUNCTIONS);
        long writesInfo = 0;
        for (Call c : Call.pair(ops, FUNCTIONS)) {
            switch (c.f()) {
                case "write" -> {
                    String path = ROOT + c.key();
                    if (c.ok()) {
                        long mzxid = Values.asLong(Values.asList(c.result(), c.completionIndex()).get(1),
                                c.completionIndex());
                        okWrites.put(new PathZxid(path, mzxid), c);
                        okByZxid.put(mzxid, c);
                    } else if (c.indeterminate()) {
                        writesInfo++;
                        infoWrites.computeIfAbsent(path, k -> new ArrayList<>()).add(c);
                    }
                }
                case "event" -> {
                    if (!c.ok()) {
                        break;
                    }
                    List<?> v = Values.asList(c.result(), c.completionIndex());
                    long zxid = Values.asLong(v.get(2), c.completionIndex());
                    if (zxid < 0) {
                        noZxid++;
                        break;
                    }
                    events++;
                    watchers.computeIfAbsent(c.process(), p -> new ArrayList<>())
                            .add(new Event(c, String.valueOf(v.get(0)), String.valueOf(v.get(1)), zxid));
                }
                case "disconnected", "reconnected" ->
                        watchers.computeIfAbsent(c.process(), p -> new ArrayList<>()).add(c);
            }
        }
        long outOfOrder = 0;
        long missed = 0;
        Map<PathZxid, Event> unmatched = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Object>> w : watchers.entrySet()) {
            Event previous = null;
            List<Event> connected = new ArrayList<>();
            for (Object item : w.getValue()) {
                if (!(item instanceof Event e)) {
                    missed += gaps(w.getKey(), connected, okByZxid, r);
                    connected.clear();
                    continue;
                }
                connected.add(e);
                if (previous != null && e.zxid() <= previous.zxid()) {
                    outOfOrder++;
                    r.anomaly(Anomaly.of("zxid-order", "p" + w.getKey() + " was notified of zxid " + e.zxid()
                            + " after zxid " + previous.zxid(), previous.call().completionIndex(),
                            e.call().completionIndex()));
                }
                previous = e;
                PathZxid pz = new PathZxid(e.path(), e.zxid());
                if (!okWrites.containsKey(pz)) {
                    unmatched.merge(pz, e, (a, b) -> a.call().completionIndex() <= b.call().completionIndex() ? a : b);
                }
            }
            missed += gaps(w.getKey(), connected, okByZxid, r);
        }
        long phantoms = phantoms(unmatched, infoWrites, r);
        r.count("writes-ok", okByZxid.size()).count("writes-info", writesInfo).count("watchers", watchers.size())
                .count("events", events).count("phantom", phantoms).count("missed", missed)
                .count("out-of-order", outOfOrder);
        if (noZxid > 0) {
            r.count("events-without-zxid", noZxid);
            r.note(noZxid + " notifications carried no zxid and were not judged");
        }
        if (ignored > 0) {
            r.count("ignored", ignored);
        }
        return r.build();
    }

    /** OK writes whose mzxid lies strictly between the first and last zxid one connected stretch was notified of. */
    private static long gaps(int process, List<Event> stretch, NavigableMap<Long, Call> okByZxid, Result.Builder r) {
        if (stretch.size() < 2) {
            return 0;
        }
        Set<Long> seen = new HashSet<>();
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        for (Event e : stretch) {
            seen.add(e.zxid());
            low = Math.min(low, e.zxid());
            high = Math.max(high, e.zxid());
        }
        long missed = 0;
        for (Map.Entry<Long, Call> w : okByZxid.subMap(low, false, high, false).entrySet()) {
            if (!seen.contains(w.getKey())) {
                missed++;
                Event before = stretch.stream().filter(e -> e.zxid() < w.getKey())
                        .max(Comparator.comparingLong(Event::zxid)).orElseThrow();
                Event after = stretch.stream().filter(e -> e.zxid() > w.getKey())
                        .min(Comparator.comparingLong(Event::zxid)).orElseThrow();
                List<Long> events = new ArrayList<>();
                for (long i : w.getValue().events()) {
                    events.add(i);
                }
                events.add(before.call().completionIndex());
                events.add(after.call().completionIndex());
                r.anomaly(new Anomaly("missed", events, "p" + process + " was never notified of "
                        + w.getValue().describe() + " (mzxid " + w.getKey() + "), though it was notified of zxids "
                        + before.zxid() + " and " + after.zxid() + " around it while connected"));
            }
        }
        return missed;
    }

    /**
     * Notifications no OK write explains, matched to INFO writes of their path invoked before them, each INFO write
     * used once. A zxid's deadline is its first notification; the writes usable for it are those invoked before, a
     * prefix of them in invoke order, so taking zxids by deadline and giving each the earliest unused write is a
     * maximum matching.
     */
    private static long phantoms(Map<PathZxid, Event> unmatched, Map<String, List<Call>> infoWrites,
                                 Result.Builder r) {
        Map<String, Integer> usedPerPath = new HashMap<>();
        List<Event> byDeadline = unmatched.values().stream()
                .sorted(Comparator.comparingLong(e -> e.call().completionIndex())).toList();
        long phantoms = 0;
        for (Event e : byDeadline) {
            List<Call> candidates = infoWrites.getOrDefault(e.path(), List.of());
            int used = usedPerPath.getOrDefault(e.path(), 0);
            if (used < candidates.size() && candidates.get(used).invokeIndex() < e.call().completionIndex()) {
                usedPerPath.put(e.path(), used + 1);
            } else {
                phantoms++;
                r.anomaly(Anomaly.of("phantom", "p" + e.call().process() + " was notified (" + e.type() + " "
                        + e.path() + " zxid " + e.zxid() + ") of a write nobody made", e.call().events()));
            }
        }
        return phantoms;
    }
}
