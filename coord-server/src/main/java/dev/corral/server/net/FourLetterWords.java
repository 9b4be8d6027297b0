package dev.corral.server.net;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.monitor.DirSizes;
import dev.corral.server.monitor.Environment;
import dev.corral.server.monitor.MonitorFields;
import dev.corral.server.monitor.ServerVersion;
import dev.corral.server.pipeline.ServerStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The four-letter words on the client port, in Apache ZooKeeper's output formats so that existing monitoring
 * scripts parse them. Which words run is set by {@code 4lw.commands.whitelist}.
 */
final class FourLetterWords {
    static final Set<String> KNOWN = Set.of("ruok", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc",
            "wchp", "dump", "isro", "dirs", "crst", "srst", "gtmk", "stmk", "hash", "rqld", "ydld");
    /** Words that need nothing from the request processor. */
    static final Set<String> STATELESS = Set.of("ruok", "conf", "envi", "isro", "dirs");

    private final ServerConfig config;
    private final java.util.function.IntSupplier clientPort;
    private final java.util.function.IntSupplier securePort;

    FourLetterWords(ServerConfig config, java.util.function.IntSupplier clientPort,
                    java.util.function.IntSupplier securePort) {
        this.config = config;
        this.clientPort = clientPort;
        this.securePort = securePort;
    }

    static boolean isKnown(String word) {
        return KNOWN.contains(word);
    }

    boolean allowed(String word) {
        return config.fourLetterWords().contains("*") || config.fourLetterWords().contains(word);
    }

    /**
     * The answer of rqld / ydld (ClickHouse Keeper's words and texts; ZooKeeper has neither): {@code refusal} is
     * null when the request was made, else why not, printed on a second line.
     */
    static String leadershipAnswer(String word, String refusal) {
        String what = word.equals("rqld") ? "leadership request" : "yield leadership request";
        return refusal == null ? "Sent " + what + " to leader.\n" : "Failed to send " + what + " to leader.\n" + refusal + "\n";
    }

    static String refusal(String word) {
        return word + " is not executed because it is not in the whitelist.\n";
    }

    /**
     * The output of {@code word}; {@code stats} may be null for the stateless words. {@code asker} is the address
     * of the connection asking ("/ip:port"): ZooKeeper lists it among the connections of cons and stat.
     */
    String run(String word, ServerStats stats, String asker) {
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out);
        if (stats != null && !stats.serving()) {
            // An ensemble member that is electing or syncing, as ZooKeeper reports it.
            pw.println("This ZooKeeper instance is not currently serving requests");
            if ("removed".equals(stats.mode())) {
                // Corral's own line: ZooKeeper's removed servers may go on serving as non-voting learners.
                pw.println("This server was removed from the ensemble by reconfig (not in its configuration)");
            }
            pw.flush();
            return out.toString();
        }
        switch (word) {
            case "ruok" -> pw.print("imok");
            case "isro" -> pw.print("rw");
            case "srvr", "stat" -> stat(pw, stats, word.equals("stat"), asker);
            case "mntr" -> mntr(pw, stats);
            case "conf" -> conf(pw);
            case "cons" -> {
                asker(pw, asker);
                for (ServerStats.Connection c : stats.connections()) {
                    connection(pw, c, false);
                    pw.println();
                }
                pw.println();
            }
            case "envi" -> envi(pw);
            case "wchs" -> {
                Set<String> paths = new TreeSet<>();
                stats.watchesBySession().values().forEach(paths::addAll);
                pw.println(stats.watchesBySession().size() + " connections watching " + paths.size() + " paths");
                pw.println("Total watches:" + stats.watchCount());
            }
            case "wchc" -> {
                stats.watchesBySession().forEach((sid, paths) -> {
                    pw.println("0x" + Long.toHexString(sid));
                    paths.forEach(p -> pw.println("\t" + p));
                });
                pw.println();
            }
            case "wchp" -> {
                Map<String, Set<Long>> byPath = new TreeMap<>();
                stats.watchesBySession().forEach((sid, paths) ->
                        paths.forEach(p -> byPath.computeIfAbsent(p, k -> new TreeSet<>()).add(sid)));
                byPath.forEach((path, sids) -> {
                    pw.println(path);
                    sids.forEach(sid -> pw.print("\t0x" + Long.toHexString(sid) + "\n"));
                });
                pw.println();
            }
            case "dump" -> dump(pw, stats);
            case "dirs" -> {
                pw.println("datadir_size: " + DirSizes.of(config.dataDir()));
                pw.println("logdir_size: " + DirSizes.of(config.dataLogDir()));
            }
            case "crst", "srst" -> pw.println(word.equals("crst") ? "Connection stats reset." : "Server stats reset.");
            default -> pw.println(word + " is not supported by Corral");
        }
        pw.flush();
        return out.toString();
    }

    private static void stat(PrintWriter pw, ServerStats s, boolean withClients, String asker) {
        pw.println("Zookeeper version: " + ServerVersion.FULL);
        if (withClients) {
            pw.println("Clients:");
            asker(pw, asker);
            for (ServerStats.Connection c : s.connections()) {
                connection(pw, c, true);
                pw.println();
            }
            pw.println();
        }
        pw.println("Latency min/avg/max: " + s.minLatency() + "/" + MonitorFields.round(s.avgLatency()) + "/" + s.maxLatency());
        pw.println("Received: " + s.received());
        pw.println("Sent: " + s.sent());
        // ZooKeeper counts the connection asking, which Corral's processor never sees.
        pw.println("Connections: " + (s.connections().size() + 1));
        pw.println("Outstanding: " + s.outstanding());
        pw.println("Zxid: 0x" + Long.toHexString(s.zxid()));
        pw.println("Mode: " + s.mode());
        pw.println("Node count: " + s.nodeCount());
    }

    /** The asking connection as ZooKeeper lists it: not reading ([0]), one packet received, none sent yet. */
    private static void asker(PrintWriter pw, String asker) {
        if (asker != null) {
            pw.println(" " + asker + "[0](queued=0,recved=1,sent=0)");
        }
    }

    private static void connection(PrintWriter pw, ServerStats.Connection c, boolean brief) {
        pw.print(" " + c.address() + "[1](queued=0,recved=" + c.received() + ",sent=" + c.sent());
        if (!brief && c.sessionId() != 0) {
            pw.print(",sid=0x" + Long.toHexString(c.sessionId()) + ",lop=" + c.lastOp() + ",est=" + c.established()
                    + ",to=" + c.timeout());
            if (c.lastCxid() >= 0) {
                pw.print(",lcxid=0x" + Long.toHexString(c.lastCxid()));
            }
            pw.print(",lzxid=0x" + Long.toHexString(c.lastZxid()) + ",lresp=" + c.lastResponse() + ",llat="
                    + c.lastLatency() + ",minlat=" + c.minLatency() + ",avglat=" + (long) c.avgLatency() + ",maxlat="
                    + c.maxLatency());
        }
        pw.print(")");
    }

    private static void mntr(PrintWriter pw, ServerStats s) {
        MonitorFields.of(s, 1).forEach((k, v) -> pw.print("zk_" + k + "\t" + v + "\n"));
    }

    private void conf(PrintWriter pw) {
        pw.println("clientPort=" + clientPort.getAsInt());
        pw.println("secureClientPort=" + securePort.getAsInt());
        pw.println("dataDir=" + config.dataDir().toAbsolutePath());
        pw.println("dataDirSize=" + DirSizes.of(config.dataDir()));
        pw.println("dataLogDir=" + config.dataLogDir().toAbsolutePath());
        pw.println("dataLogSize=" + DirSizes.of(config.dataLogDir()));
        pw.println("tickTime=" + config.tickTime());
        pw.println("maxClientCnxns=" + config.maxClientCnxns());
        pw.println("minSessionTimeout=" + config.minSessionTimeout());
        pw.println("maxSessionTimeout=" + config.maxSessionTimeout());
        pw.println("clientPortListenBacklog=-1");
        pw.println("serverId=0");
    }

    private static void envi(PrintWriter pw) {
        pw.println("Environment:");
        Environment.entries().forEach((k, v) -> pw.println(k + "=" + v));
    }

    private static void dump(PrintWriter pw, ServerStats s) {
        pw.println("SessionTracker dump:");
        pw.println("Global Sessions(" + s.sessionTimeouts().size() + "):");
        s.sessionTimeouts().forEach((sid, to) -> pw.println("0x" + Long.toHexString(sid) + "\t" + to + "ms"));
        pw.println("ephemeral nodes dump:");
        pw.println("Sessions with Ephemerals (" + s.ephemeralsBySession().size() + "):");
        s.ephemeralsBySession().forEach((sid, paths) -> {
            pw.println("0x" + Long.toHexString(sid) + ":");
            paths.forEach(p -> pw.println("\t" + p));
        });
        pw.println("Connections dump:");
        pw.println("Connections Sets (" + s.connections().size() + "):");
        for (ServerStats.Connection c : s.connections()) {
            connection(pw, c, false);
            pw.println();
        }
    }
}
