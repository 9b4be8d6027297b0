package dev.corral.server.net;

import dev.corral.server.config.ServerConfig;
import dev.corral.server.pipeline.ServerStats;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The four-letter words on the client port, in Apache ZooKeeper's output formats so that existing monitoring
 * scripts parse them. Which words run is set by {@code 4lw.commands.whitelist}.
 */
final class FourLetterWords {
    static final Set<String> KNOWN = Set.of("ruok", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc",
            "wchp", "dump", "isro", "dirs", "crst", "srst", "gtmk", "stmk", "hash");
    /** Words that need nothing from the request processor. */
    static final Set<String> STATELESS = Set.of("ruok", "conf", "envi", "isro", "dirs");
    static final String VERSION = "3.9.5-corral-0.1.0, built on 2026-11-22 00:00 UTC";

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

    static String refusal(String word) {
        return word + " is not executed because it is not in the whitelist.\n";
    }

    /** The output of {@code word}; {@code stats} may be null for the stateless words. */
    String run(String word, ServerStats stats) {
        StringWriter out = new StringWriter();
        PrintWriter pw = new PrintWriter(out);
        if (stats != null && !stats.serving()) {
            // An ensemble member that is electing or syncing, as ZooKeeper reports it.
            pw.println("This ZooKeeper instance is not currently serving requests");
            pw.flush();
            return out.toString();
        }
        switch (word) {
            case "ruok" -> pw.print("imok");
            case "isro" -> pw.print("rw");
            case "srvr", "stat" -> stat(pw, stats, word.equals("stat"));
            case "mntr" -> mntr(pw, stats);
            case "conf" -> conf(pw);
            case "cons" -> {
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
                pw.println("datadir_size: " + size(config.dataDir()));
                pw.println("logdir_size: " + size(config.dataLogDir()));
            }
            case "crst", "srst" -> pw.println(word.equals("crst") ? "Connection stats reset." : "Server stats reset.");
            default -> pw.println(word + " is not supported by Corral");
        }
        pw.flush();
        return out.toString();
    }

    private static void stat(PrintWriter pw, ServerStats s, boolean withClients) {
        pw.println("Zookeeper version: " + VERSION);
        if (withClients) {
            pw.println("Clients:");
            for (ServerStats.Connection c : s.connections()) {
                connection(pw, c, true);
                pw.println();
            }
            pw.println();
        }
        pw.println("Latency min/avg/max: " + s.minLatency() + "/" + round(s.avgLatency()) + "/" + s.maxLatency());
        pw.println("Received: " + s.received());
        pw.println("Sent: " + s.sent());
        pw.println("Connections: " + s.connections().size());
        pw.println("Outstanding: " + s.outstanding());
        pw.println("Zxid: 0x" + Long.toHexString(s.zxid()));
        pw.println("Mode: " + s.mode());
        pw.println("Node count: " + s.nodeCount());
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
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
                    + c.lastLatency() + ",minlat=" + c.minLatency() + ",avglat=" + round(c.avgLatency()) + ",maxlat="
                    + c.maxLatency());
        }
        pw.print(")");
    }

    private void mntr(PrintWriter pw, ServerStats s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("zk_version", VERSION);
        m.put("zk_server_state", s.mode());
        m.put("zk_ephemerals_count", s.ephemeralsCount());
        m.put("zk_num_alive_connections", s.connections().size());
        m.put("zk_avg_latency", round(s.avgLatency()));
        m.put("zk_outstanding_requests", s.outstanding());
        m.put("zk_znode_count", s.nodeCount());
        m.put("zk_global_sessions", s.sessionCount());
        m.put("zk_min_latency", s.minLatency());
        m.put("zk_packets_received", s.received());
        m.put("zk_packets_sent", s.sent());
        m.put("zk_watch_count", s.watchCount());
        m.put("zk_max_latency", s.maxLatency());
        m.put("zk_uptime", s.uptimeMs());
        m.put("zk_local_sessions", 0);
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("zk_open_file_descriptor_count", unix.getOpenFileDescriptorCount());
            m.put("zk_max_file_descriptor_count", unix.getMaxFileDescriptorCount());
        }
        m.forEach((k, v) -> pw.print(k + "\t" + v + "\n"));
    }

    private void conf(PrintWriter pw) {
        pw.println("clientPort=" + clientPort.getAsInt());
        pw.println("secureClientPort=" + securePort.getAsInt());
        pw.println("dataDir=" + config.dataDir().toAbsolutePath());
        pw.println("dataDirSize=" + size(config.dataDir()));
        pw.println("dataLogDir=" + config.dataLogDir().toAbsolutePath());
        pw.println("dataLogSize=" + size(config.dataLogDir()));
        pw.println("tickTime=" + config.tickTime());
        pw.println("maxClientCnxns=" + config.maxClientCnxns());
        pw.println("minSessionTimeout=" + config.minSessionTimeout());
        pw.println("maxSessionTimeout=" + config.maxSessionTimeout());
        pw.println("clientPortListenBacklog=-1");
        pw.println("serverId=0");
    }

    private static void envi(PrintWriter pw) {
        pw.println("Environment:");
        pw.println("zookeeper.version=" + VERSION);
        String host;
        try {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            host = "<NA>";
        }
        pw.println("host.name=" + host);
        for (String key : List.of("java.version", "java.vendor", "java.home", "java.class.path", "java.library.path",
                "java.io.tmpdir")) {
            pw.println(key + "=" + System.getProperty(key, "<NA>"));
        }
        pw.println("java.compiler=<NA>");
        for (String key : List.of("os.name", "os.arch", "os.version", "user.name", "user.home", "user.dir")) {
            pw.println(key + "=" + System.getProperty(key, "<NA>"));
        }
        Runtime rt = Runtime.getRuntime();
        pw.println("os.memory.free=" + rt.freeMemory() / (1024 * 1024) + "MB");
        pw.println("os.memory.max=" + rt.maxMemory() / (1024 * 1024) + "MB");
        pw.println("os.memory.total=" + rt.totalMemory() / (1024 * 1024) + "MB");
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

    private static long size(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toFile).filter(File::isFile).mapToLong(File::length).sum();
        } catch (Exception e) {
            return 0;
        }
    }
}
