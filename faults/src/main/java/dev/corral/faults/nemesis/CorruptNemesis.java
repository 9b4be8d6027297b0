package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Stops a random member (kill -9), writes a zero byte or the four bytes a5 5a a5 5a at a random offset of its newest
 * ZAB log file ({@code corrupt-log}) or newest tree file ({@code corrupt-tree}), and restarts it.
 *
 * <p>The member may start (the damage hit a torn tail, padding, or data it can repair) or refuse to start naming the
 * file (exit code 1): both are reported, and refusing is the expected outcome for damage to acknowledged entries. On
 * heal a member that refused has its data moved aside (myid kept) and starts empty, catching up from the others by
 * SNAP; that happens only while a quorum of the others serves, else the member is left down and the heal says so.
 */
public final class CorruptNemesis implements Nemesis {
    private static final byte[] GARBAGE = {(byte) 0xa5, 0x5a, (byte) 0xa5, 0x5a};
    private final boolean log;
    private Node target;

    public CorruptNemesis(boolean log) {
        this.log = log;
    }

    @Override
    public String name() {
        return log ? "corrupt-log" : "corrupt-tree";
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        List<Node> nodes = cluster.nodes();
        Node n = nodes.get(random.nextInt(nodes.size()));
        boolean zero = random.nextBoolean();
        double where = random.nextDouble();
        n.kill();
        Optional<Path> file = log ? DataFiles.newestLog(n) : DataFiles.newestTree(n);
        String what;
        if (file.isEmpty()) {
            what = "no " + (log ? "log" : "tree") + " file in " + n.dataDir();
        } else {
            what = write(file.get(), zero ? new byte[] {0} : GARBAGE, where);
        }
        n.start();
        target = n;
        return "corrupt " + n + ": " + what + "; restarted";
    }

    private static String write(Path file, byte[] bytes, double where) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long size = f.length();
            long end = dataEnd(f);
            if (end == 0) {
                return file + " holds no data";
            }
            // Within the written part: ZooKeeper preallocates its logs (64 MB of zeros), and damage to the padding
            // after the last transaction tests nothing.
            long at = Math.min((long) (where * end), Math.max(0, end - bytes.length));
            f.seek(at);
            f.write(bytes);
            f.getFD().sync();
            return (bytes.length == 1 ? "zero byte" : "a5 5a a5 5a") + " at " + at + " of " + end + " written ("
                    + size + " long) in " + file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The offset just after the last non-zero byte. */
    private static long dataEnd(RandomAccessFile f) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long pos = f.length();
        while (pos > 0) {
            int n = (int) Math.min(buf.length, pos);
            f.seek(pos - n);
            f.readFully(buf, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] != 0) {
                    return pos - n + i + 1;
                }
            }
            pos -= n;
        }
        return 0;
    }

    @Override
    public String heal(Cluster cluster) {
        Node n = target;
        target = null;
        if (n == null) {
            return null;
        }
        if (n.alive()) {
            return n + " started with the damage and runs (mode '" + n.mode() + "')";
        }
        String why = n + " refused to start (exit " + n.exitCode() + "): " + lastComplaint(n);
        if (!othersServe(cluster, n, Duration.ofSeconds(60))) {
            return why + "; NOT wiped: no quorum of the others serves";
        }
        try {
            Path aside = DataFiles.moveAside(n);
            n.start();
            return why + "; data moved to " + aside.getFileName() + ", restarted empty (catches up by SNAP)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean othersServe(Cluster cluster, Node except, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quorum = cluster.size() / 2 + 1;
        while (System.nanoTime() < deadline) {
            int serving = 0;
            for (Node o : cluster.nodes()) {
                String m = o == except ? "" : o.mode();
                if (m.equals("leader") || m.equals("follower")) {
                    serving++;
                }
            }
            if (serving >= quorum) {
                return true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The member's last log line that names a problem (Corral names the damaged file and offset). */
    private static String lastComplaint(Node n) {
        try {
            List<String> lines = Files.readAllLines(n.log());
            int from = Math.max(0, lines.size() - 300);
            // the line that names the damage first (Corral: "damaged ... at offset"; ZooKeeper: "CRC check failed"),
            // else the last error
            for (String[] words : new String[][] {{"damaged", "CRC", "orrupt"}, {"ERROR", "Exception"}}) {
                for (int i = lines.size() - 1; i >= from; i--) {
                    String l = lines.get(i);
                    for (String w : words) {
                        if (l.contains(w)) {
                            return l.length() > 300 ? l.substring(0, 300) + "..." : l;
                        }
                    }
                }
            }
            return lines.isEmpty() ? "(empty log)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
