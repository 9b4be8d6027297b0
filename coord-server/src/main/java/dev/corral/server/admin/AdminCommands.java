package dev.corral.server.admin;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.http.HttpEndpoint;
import dev.corral.server.http.HttpReply;
import dev.corral.server.monitor.DirSizes;
import dev.corral.server.monitor.Environment;
import dev.corral.server.monitor.Membership;
import dev.corral.server.monitor.MonitorFields;
import dev.corral.server.monitor.ServerVersion;
import dev.corral.server.pipeline.RequestProcessor;
import dev.corral.server.pipeline.ServerStats;
import dev.corral.zab.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The AdminServer's commands, answering with ZooKeeper 3.9's JSON field names: each reply is a map ending in
 * {@code command} (the primary name) and {@code error}. Figures come from one {@link ServerStats} snapshot taken on
 * the processor thread, the same one the four-letter words use.
 *
 * <p>Size: one table of ZooKeeper's thirty-odd commands with the short body of each; the commands with their own
 * rules (snapshot, restore) live in {@link DataCommands}.
 */
final class AdminCommands {
    /**
     * A command's body: the fields before {@code command} and {@code error}; stats is null when not needed.
     * {@code gated}: answers only while the server serves (ZooKeeper's serverRequired), checked by itself when the
     * body needs no stats (those check it on the snapshot).
     */
    private record Command(String name, Set<String> aliases, boolean needsStats, boolean gated,
                           Function<ServerStats, Map<String, Object>> body) {
        Command(String name, Set<String> aliases, boolean needsStats, Function<ServerStats, Map<String, Object>> body) {
            this(name, aliases, needsStats, false, body);
        }
    }

    private static final String NOT_SERVING = DataCommands.NOT_SERVING;
    /** ZooTrace's default text trace mask (client requests, server packets, sessions, warnings). */
    private static final long DEFAULT_TRACE_MASK = 306;

    private final ServerConfig config;
    private final IntSupplier clientPort;
    private final RequestProcessor processor;
    private final Membership member;
    private final Map<String, Command> byName = new TreeMap<>();
    private final Map<String, Command> byAlias = new TreeMap<>();
    private final DataCommands data;
    /** Kept and reported as ZooKeeper's stmk/gtmk do; Corral has no trace logging that it would filter. */
    private volatile long traceMask = DEFAULT_TRACE_MASK;

    AdminCommands(ServerConfig config, IntSupplier clientPort, RequestProcessor processor, Membership member) {
        this.config = config;
        this.clientPort = clientPort;
        this.processor = processor;
        this.member = member;
        this.data = new DataCommands(config, processor, member != null);
        add(new Command("ruok", Set.of(), false, s -> new LinkedHashMap<>()));
        add(new Command("server_stats", Set.of("srvr"), true, s -> serverStats(s, false)));
        add(new Command("stats", Set.of("stat"), true, s -> serverStats(s, true)));
        add(new Command("configuration", Set.of("conf", "config"), false, s -> configuration()));
        add(new Command("connections", Set.of("cons"), true, this::connections));
        add(new Command("connection_stat_reset", Set.of("crst"), false, s -> new LinkedHashMap<>()));
        add(new Command("stat_reset", Set.of("srst"), false, s -> new LinkedHashMap<>()));
        add(new Command("environment", Set.of("env", "envi"), false, s -> new LinkedHashMap<>(Environment.entries())));
        add(new Command("system_properties", Set.of("sysp"), false, s -> systemProperties()));
        add(new Command("watch_summary", Set.of("wchs"), true, AdminCommands::watchSummary));
        add(new Command("watches", Set.of("wchc"), true, AdminCommands::watches));
        add(new Command("watches_by_path", Set.of("wchp"), true, AdminCommands::watchesByPath));
        add(new Command("dump", Set.of(), true, AdminCommands::dump));
        add(new Command("leader", Set.of("lead"), false, s -> leader()));
        add(new Command("is_read_only", Set.of("isro"), false, s -> map("read_only", false)));
        add(new Command("dirs", Set.of(), false, s -> map("datadir_size", DirSizes.of(config.dataDir()),
                "logdir_size", DirSizes.of(config.dataLogDir()))));
        add(new Command("voting_view", Set.of(), false, s -> votingView()));
        add(new Command("zabstate", Set.of(), true, this::zabState));
        add(new Command("monitor", Set.of("mntr"), true, s -> new LinkedHashMap<>(MonitorFields.of(s, 0))));
        // Answered by DataCommands (authorization, rate limits): see run().
        add(new Command("snapshot", Set.of("snap"), false, null));
        add(new Command("restore", Set.of("rest"), false, null));
        // Corral keeps no digest of its tree per txn (ZooKeeper's zookeeper.digest.enabled): the history is empty.
        add(new Command("hash", Set.of(), false, true, s -> map("digests", List.of())));
        add(new Command("get_trace_mask", Set.of("gtmk"), false, s -> map("tracemask", traceMask)));
        add(new Command("set_trace_mask", Set.of("stmk"), false, null));
        // The config file's text as read at start-up ("" for a server configured in code, as ZooKeeper's).
        add(new Command("initial_configuration", Set.of("icfg"), false, true, s -> map("initial_configuration",
                config.monitoring().adminData().initialConfig())));
        add(new Command("last_snapshot", Set.of("lsnp"), false, true, s -> map(
                "zxid", Long.toHexString(data.lastSnapshotZxid()), "timestamp", data.lastSnapshotTime())));
        // Corral keeps no per-observer connection figures: nothing to reset, none to list; the leader counts them.
        add(new Command("observer_connection_stat_reset", Set.of("orst"), false, true, s -> new LinkedHashMap<>()));
        // Leadership transfer (ClickHouse Keeper's rqld/ydld; ZooKeeper has none): see run().
        add(new Command("request_leadership", Set.of("rqld"), false, null));
        add(new Command("yield_leadership", Set.of("ydld"), false, null));
        add(new Command("observers", Set.of("obsr"), true, s -> map("synced_observers",
                s.stageFields().getOrDefault("synced_observers", 0L), "observers", List.of())));
    }

    /** Stops what the commands run on their own threads. */
    void close() {
        data.close();
    }

    private void add(Command c) {
        byName.put(c.name(), c);
        byAlias.put(c.name(), c);
        c.aliases().forEach(a -> byAlias.put(a, c));
    }

    /** The primary names, sorted, for the command list page. */
    Set<String> names() {
        return byName.keySet();
    }

    CompletableFuture<HttpReply> run(String name, HttpEndpoint.Request request) {
        Command c = byAlias.get(name);
        if (c == null) {
            // ZooKeeper answers an unknown command with 200 and the error in the body.
            return done(200, reply(name, new LinkedHashMap<>(), "Unknown command: " + name));
        }
        if (c.name().equals("snapshot")) {
            return data.snapshot(request);
        }
        if (c.name().equals("restore")) {
            return data.restore(request);
        }
        if (request.method().equals("POST")) {
            return done(500, wrongMethod(c.name(), "POST"));
        }
        if (c.name().equals("request_leadership") || c.name().equals("yield_leadership")) {
            return leadership(c.name(), c.name().equals("yield_leadership"));
        }
        if (c.name().equals("set_trace_mask")) {
            return done(200, setTraceMask(request.query().get("traceMask")));
        }
        if (c.gated()) {
            return processor.figures().thenApply(f -> f.serving()
                    ? ok(reply(c.name(), c.body().apply(null), null))
                    : ok(reply(c.name(), new LinkedHashMap<>(), NOT_SERVING)));
        }
        if (c.name().equals("connection_stat_reset") || c.name().equals("stat_reset")) {
            return processor.resetStats(c.name().equals("connection_stat_reset"))
                    .thenApply(v -> ok(reply(c.name(), new LinkedHashMap<>(), null)));
        }
        if (!c.needsStats()) {
            return done(200, reply(c.name(), c.body().apply(null), null));
        }
        // zabstate is how an operator watches an election, so it answers while not serving, as ZooKeeper's does.
        return processor.stats().thenApply(s -> s.serving() || c.name().equals("zabstate")
                ? ok(reply(c.name(), c.body().apply(s), null))
                : ok(reply(c.name(), new LinkedHashMap<>(), NOT_SERVING)));
    }

    /**
     * ZooKeeper's servlet gets no response from a GET command POSTed (or restore fetched with GET) and fails: Jetty
     * answers 500. Corral answers the same status, with the reason in the body.
     */
    static Map<String, Object> wrongMethod(String name, String method) {
        return reply(name, new LinkedHashMap<>(), name + " does not accept " + method);
    }

    /**
     * A leadership transfer changes who serves writes, so it runs only where the operator enabled the four-letter
     * word of the same name (4lw.commands.whitelist), like rqld and ydld on the client port.
     */
    private CompletableFuture<HttpReply> leadership(String name, boolean yield) {
        String word = yield ? "ydld" : "rqld";
        if (!config.fourLetterWords().contains("*") && !config.fourLetterWords().contains(word)) {
            return done(200, reply(name, new LinkedHashMap<>(), word + " is not enabled: add it to"
                    + " 4lw.commands.whitelist"));
        }
        return processor.leadership(yield).thenApply(refusal -> ok(reply(name,
                map("sent", refusal == null), refusal)));
    }

    private Map<String, Object> setTraceMask(String text) {
        if (text == null) {
            return reply("set_trace_mask", new LinkedHashMap<>(), "setTraceMask requires long traceMask argument");
        }
        try {
            traceMask = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return reply("set_trace_mask", new LinkedHashMap<>(),
                    "setTraceMask requires long traceMask argument, got " + text);
        }
        return reply("set_trace_mask", map("tracemask", traceMask), null);
    }

    /** A reply of {@code fields} then {@code command} and {@code error}, as JSON with {@code status}. */
    static HttpReply json(int status, String name, Map<String, Object> fields, String error) {
        return HttpReply.json(status, Json.write(reply(name, fields, error)));
    }

    private static CompletableFuture<HttpReply> done(int status, Map<String, Object> body) {
        return CompletableFuture.completedFuture(HttpReply.json(status, Json.write(body)));
    }

    private static HttpReply ok(Map<String, Object> body) {
        return HttpReply.json(200, Json.write(body));
    }

    private static Map<String, Object> reply(String name, Map<String, Object> fields, String error) {
        fields.put("command", name);
        if (!fields.containsKey("error")) {
            fields.put("error", error);
        }
        return fields;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private Map<String, Object> serverStats(ServerStats s, boolean withConnections) {
        // Corral does not measure response buffer sizes: -1 is what ZooKeeper reports before any response.
        Map<String, Object> buffers = map("last_buffer_size", -1, "min_buffer_size", -1, "max_buffer_size", -1);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("packets_sent", s.sent());
        stats.put("packets_received", s.received());
        stats.put("fsync_threshold_exceed_count", 0);
        stats.put("client_response_stats", buffers);
        stats.put("uptime", s.uptimeMs());
        stats.put("data_dir_size", DirSizes.of(config.dataDir()));
        stats.put("log_dir_size", DirSizes.of(config.dataLogDir()));
        stats.put("last_processed_zxid", s.zxid());
        stats.put("outstanding_requests", s.outstanding());
        stats.put("server_state", s.mode());
        stats.put("avg_latency", MonitorFields.round(s.avgLatency()));
        stats.put("max_latency", s.maxLatency());
        stats.put("min_latency", s.minLatency());
        stats.put("num_alive_client_connections", s.connections().size());
        stats.put("auth_failed_count", 0);
        stats.put("non_mtlsremote_conn_count", 0);
        stats.put("non_mtlslocal_conn_count", 0);
        stats.put("provider_null", false);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", ServerVersion.FULL);
        m.put("read_only", false);
        m.put("server_stats", stats);
        m.put("client_response", buffers);
        if ("leader".equals(s.mode())) {
            m.put("proposal_stats", buffers);
        }
        m.put("node_count", s.nodeCount());
        if (withConnections) {
            List<Object> conns = new ArrayList<>();
            s.connections().forEach(c -> conns.add(connection(c, true)));
            m.put("connections", conns);
            m.put("secure_connections", List.of());
        }
        return m;
    }

    private Map<String, Object> connections(ServerStats s) {
        List<Object> conns = new ArrayList<>();
        s.connections().forEach(c -> conns.add(connection(c, false)));
        return map("connections", conns, "secure_connections", List.of());
    }

    private static Map<String, Object> connection(ServerStats.Connection c, boolean brief) {
        Map<String, Object> m = new LinkedHashMap<>();
        // The four-letter words print "/ip:port" (a Java InetSocketAddress); the JSON has no slash, as ZooKeeper's.
        m.put("remote_socket_address", c.address().startsWith("/") ? c.address().substring(1) : c.address());
        m.put("interest_ops", 1);
        m.put("outstanding_requests", 0);
        m.put("packets_received", c.received());
        m.put("packets_sent", c.sent());
        if (!brief && c.sessionId() != 0) {
            m.put("session_id", c.sessionId());
            m.put("last_operation", c.lastOp());
            m.put("established", c.established());
            m.put("session_timeout", c.timeout());
            m.put("last_cxid", c.lastCxid());
            m.put("last_zxid", c.lastZxid());
            m.put("last_response_time", c.lastResponse());
            m.put("last_latency", c.lastLatency());
            m.put("min_latency", c.minLatency());
            m.put("avg_latency", (long) c.avgLatency());
            m.put("max_latency", c.maxLatency());
        }
        return m;
    }

    private Map<String, Object> configuration() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client_port", clientPort.getAsInt());
        m.put("data_dir", config.dataDir().toAbsolutePath().toString());
        m.put("data_log_dir", config.dataLogDir().toAbsolutePath().toString());
        m.put("tick_time", config.tickTime());
        m.put("max_client_cnxns", config.maxClientCnxns());
        m.put("min_session_timeout", config.minSessionTimeout());
        m.put("max_session_timeout", config.maxSessionTimeout());
        m.put("server_id", member == null ? 0 : member.myId());
        m.put("client_port_listen_backlog", -1);
        if (member != null) {
            m.put("init_limit", config.initLimit());
            m.put("sync_limit", config.syncLimit());
            m.put("election_alg", 3);
            m.put("peer_type", "participant");
            m.put("membership", membership());
        }
        return m;
    }

    private String membership() {
        StringBuilder b = new StringBuilder();
        member.servers().forEach((id, spec) -> b.append("server.").append(id).append('=').append(spec).append('\n'));
        return b.toString();
    }

    private static Map<String, Object> systemProperties() {
        Map<String, Object> m = new TreeMap<>();
        System.getProperties().forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
        return new LinkedHashMap<>(m);
    }

    private static Map<String, Object> watchSummary(ServerStats s) {
        Set<String> paths = new TreeSet<>();
        s.watchesBySession().values().forEach(paths::addAll);
        return map("num_connections", s.watchesBySession().size(), "num_paths", paths.size(),
                "num_total_watches", s.watchCount());
    }

    private static Map<String, Object> watches(ServerStats s) {
        Map<String, Object> bySession = new LinkedHashMap<>();
        s.watchesBySession().forEach((sid, paths) -> bySession.put(Long.toString(sid), new ArrayList<>(paths)));
        return map("session_id_to_watched_paths", bySession);
    }

    private static Map<String, Object> watchesByPath(ServerStats s) {
        Map<String, Set<Long>> byPath = new TreeMap<>();
        s.watchesBySession().forEach((sid, paths) ->
                paths.forEach(p -> byPath.computeIfAbsent(p, k -> new TreeSet<>()).add(sid)));
        return map("path_to_session_ids", new LinkedHashMap<String, Object>(byPath));
    }

    private static Map<String, Object> dump(ServerStats s) {
        // ZooKeeper keys sessions by their expiry bucket (a time in ms on its own clock). Corral does not bucket:
        // it reports the server's uptime plus each session's timeout, the same kind of figure under the same key,
        // not the session's actual deadline.
        Map<Long, List<Long>> byExpiry = new TreeMap<>();
        s.sessionTimeouts().forEach((sid, timeout) ->
                byExpiry.computeIfAbsent(s.uptimeMs() + timeout, k -> new ArrayList<>()).add(sid));
        Map<String, Object> expiry = new LinkedHashMap<>();
        byExpiry.forEach((t, sids) -> expiry.put(Long.toString(t), sids));
        Map<String, Object> ephemerals = new LinkedHashMap<>();
        s.ephemeralsBySession().forEach((sid, paths) -> ephemerals.put(Long.toString(sid), paths));
        return map("expiry_time_to_session_ids", expiry, "session_id_to_ephemeral_paths", ephemerals);
    }

    private Map<String, Object> leader() {
        if (member == null) {
            return map("error", "server is not initialized");
        }
        var status = member.status();
        String leaderIp = "";
        if (status.leaderId() >= 0 && member.servers().containsKey(status.leaderId())) {
            leaderIp = member.servers().get(status.leaderId()).split(":")[0];
        }
        return map("is_leader", status.role() == Role.LEADING && status.leaderId() == member.myId(),
                "leader_id", status.leaderId(), "leader_ip", leaderIp);
    }

    private Map<String, Object> votingView() {
        Map<String, Object> view = new LinkedHashMap<>();
        if (member != null) {
            String client = (config.clientPortAddress() == null ? "0.0.0.0" : config.clientPortAddress()) + ":"
                    + config.clientPort();
            member.servers().forEach((id, spec) -> {
                if (!config.peerRoles().isObserver(id)) { // ZooKeeper's voting view leaves observers out
                    view.put(Integer.toString(id), spec.contains(";") ? spec : spec + ":participant;" + client);
                }
            });
        }
        return map("current_config", view);
    }

    private Map<String, Object> zabState(ServerStats s) {
        if (member == null) {
            return map("voting", false, "zabstate", "");
        }
        var status = member.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("myid", member.myId());
        m.put("is_leader", status.role() == Role.LEADING);
        String[] spec = member.servers().getOrDefault(member.myId(), "").split("[:;]");
        m.put("quorum_address", spec.length > 1 ? spec[0] + ":" + spec[1] : "");
        m.put("election_address", spec.length > 2 ? spec[0] + ":" + spec[2] : "");
        m.put("client_address", (config.clientPortAddress() == null ? "0.0.0.0" : config.clientPortAddress()) + ":"
                + clientPort.getAsInt());
        m.put("voting", !config.peerRoles().isObserver(member.myId()));
        m.put("last_zxid", "0x" + Long.toHexString(s.zxid()));
        m.put("zab_epoch", s.zxid() >>> 32);
        m.put("zab_counter", s.zxid() & 0xffffffffL);
        m.put("zabstate", status.role() == Role.LOOKING ? "election" : status.active() ? "broadcast"
                : "synchronization");
        return m;
    }
}
