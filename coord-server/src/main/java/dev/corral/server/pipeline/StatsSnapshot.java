package dev.corral.server.pipeline;

import dev.corral.server.watch.WatchKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Takes a {@link ServerStats} from the processor's state, on the processor thread, for the four-letter words. */
final class StatsSnapshot {
    /** What ZooKeeper keeps in its data-watch table (getChildren's watches live in the other). */
    private static final Set<WatchKind> DATA_TABLE = EnumSet.of(WatchKind.DATA, WatchKind.PERSISTENT,
            WatchKind.PERSISTENT_RECURSIVE);

    private StatsSnapshot() {
    }

    /** Counts only, for /metrics: the store keeps its counts, so nothing here reads per node or per session. */
    static ServerFigures figures(ServerContext ctx, WritePath writePath, int queued) {
        long ephemerals = ctx.view().ephemeralCount();
        RequestStats rs = ctx.stats();
        return new ServerFigures(writePath.serving(), writePath.mode(), ctx.zxids().last(),
                ctx.view().descendantCount("/") + 2, rs.received, ctx.outbox().sent, queued, rs.min(), rs.average(),
                rs.maxLatency, ctx.bindings().all().size(),
                ctx.watches().count() + ctx.watches().count(WatchKind.PERSISTENT), ephemerals, ctx.sessions().size(),
                System.currentTimeMillis() - rs.startedMs, ctx.view().approximateDataSize(),
                stageFields(ctx, writePath), ctx.stages().figures(), ctx.store().engineFigures());
    }

    static Map<String, Object> stageFields(ServerContext ctx, WritePath writePath) {
        Map<String, Object> m = ctx.stages().fields();
        m.putAll(writePath.roleFields());
        return m;
    }

    static ServerStats take(ServerContext ctx, WritePath writePath, int queued) {
        Map<Long, Set<String>> watches = new TreeMap<>();
        ctx.watches().snapshot(DATA_TABLE).forEach((w, paths) ->
                watches.computeIfAbsent(((ClientConnection) w).sessionId, k -> new TreeSet<>()).addAll(paths));
        Map<Long, List<String>> ephemerals = new TreeMap<>();
        Map<Long, Long> timeouts = new TreeMap<>();
        for (var s : ctx.sessions().all()) {
            timeouts.put(s.id(), (long) s.timeoutMs());
            List<String> owned = ctx.view().ephemerals(s.id());
            if (!owned.isEmpty()) {
                ephemerals.put(s.id(), owned);
            }
        }
        List<ServerStats.Connection> conns = new ArrayList<>();
        for (ClientConnection c : ctx.bindings().all()) {
            ConnectionStats st = c.stats;
            var session = ctx.sessions().get(c.sessionId);
            conns.add(new ServerStats.Connection(c.remoteAddress(), st.received, st.sent, c.sessionId, st.lastOp,
                    st.established, session == null ? 0 : session.timeoutMs(), st.lastCxid, st.lastZxid,
                    st.lastResponse, st.lastLatency, st.latencyCount == 0 ? 0 : st.minLatency,
                    st.latencyCount == 0 ? 0 : (double) st.totalLatency / st.latencyCount, st.maxLatency));
        }
        // ZooKeeper counts its root twice ("" and "/"), so a fresh tree shows 5 nodes.
        long nodeCount = ctx.view().descendantCount("/") + 2;
        RequestStats rs = ctx.stats();
        return new ServerStats(writePath.serving(), writePath.mode(), ctx.zxids().last(), nodeCount, rs.received,
                ctx.outbox().sent, queued, rs.min(), rs.average(), rs.maxLatency, conns, watches,
                ctx.sessions().size(), ephemerals, timeouts, System.currentTimeMillis() - rs.startedMs,
                ctx.watches().count() + ctx.watches().count(WatchKind.PERSISTENT), ctx.view().approximateDataSize(),
                stageFields(ctx, writePath));
    }
}
