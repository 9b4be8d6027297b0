package dev.corral.server.tools;

import dev.corral.server.migrate.MigrationException;
import dev.corral.server.migrate.ZooKeeperExport;
import dev.corral.server.migrate.ZooKeeperImport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code corral} command: Corral's offline tools ({@code import-zookeeper}, {@code export-zookeeper}, {@code help}).
 * Exit 0 when done, 1 with a one-line error naming the file for input it cannot use, 2 with the usage for bad
 * arguments.
 */
public final class CorralTool {
    static final String USAGE = """
            usage: corral <command> [options]
              import-zookeeper --data-dir ZK_DATADIR [--log-dir ZK_DATALOGDIR] --to CORRAL_DATADIR
                  Reads a stopped ZooKeeper 3.5-3.9 data directory (newest valid snapshot, then the logs after it)
                  into a new Corral data directory (refuses one that is not empty).
              export-zookeeper --from CORRAL_DATADIR --to DIR
                  Writes DIR/version-2/snapshot.<zxid> (and acceptedEpoch, currentEpoch) from a stopped Corral
                  server's data directory, for Apache ZooKeeper 3.9 to start from.
              help
                  This text.""";

    private CorralTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            switch (command) {
                case "help", "--help", "-h" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "import-zookeeper" -> {
                    Map<String, String> o = options(rest, Set.of("--data-dir", "--log-dir", "--to"),
                            Set.of("--data-dir", "--to"));
                    long t0 = System.nanoTime();
                    ZooKeeperImport.Result r = ZooKeeperImport.run(Path.of(o.get("--data-dir")),
                            o.containsKey("--log-dir") ? Path.of(o.get("--log-dir")) : null, Path.of(o.get("--to")),
                            w -> err.println("corral: warning: " + w));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    out.printf("imported %d znodes, %d sessions (last zxid 0x%s) from %s and %d txns of %d logs"
                                    + " into %s in %d ms; dropped %d ephemerals of closed sessions%n",
                            r.nodes(), r.sessions(), Long.toHexString(r.lastZxid()), r.snapshot(), r.txns(),
                            r.logs(), o.get("--to"), ms, r.droppedEphemerals());
                    return 0;
                }
                case "export-zookeeper" -> {
                    Map<String, String> o = options(rest, Set.of("--from", "--to"), Set.of("--from", "--to"));
                    ZooKeeperExport.Result r = ZooKeeperExport.run(Path.of(o.get("--from")), Path.of(o.get("--to")));
                    out.printf("exported %d znodes, %d sessions (last zxid 0x%s) to %s%n", r.nodes(), r.sessions(),
                            Long.toHexString(r.lastZxid()), r.snapshot());
                    return 0;
                }
                default -> throw new BadArguments("unknown command " + command);
            }
        } catch (BadArguments e) {
            err.println("corral: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (MigrationException e) {
            err.println("corral: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("corral: " + e);
            return 1;
        }
    }

    private static Map<String, String> options(List<String> args, Set<String> known, Set<String> required)
            throws BadArguments {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String key = args.get(i);
            if (!known.contains(key)) {
                throw new BadArguments("unknown option " + key);
            }
            if (i + 1 >= args.size()) {
                throw new BadArguments(key + " needs a value");
            }
            out.put(key, args.get(++i));
        }
        for (String r : required) {
            if (!out.containsKey(r)) {
                throw new BadArguments("missing " + r);
            }
        }
        return out;
    }

    private static final class BadArguments extends Exception {
        BadArguments(String message) {
            super(message);
        }
    }
}
