package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import dev.corral.faults.cluster.Sh;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A full disk: a random member's data directory is moved onto a small tmpfs (its data plus 16 MB; the member is
 * restarted on it; mounted once and kept until the end of the run), then a filler file takes every free byte while
 * the member runs. Healing
 * deletes the filler (space returns) and restarts the member if it stopped. The member must stop acknowledging
 * rather than acknowledge what it could not write, and recover when space returns.
 */
public final class DiskFullNemesis implements Nemesis {
    private Node target;

    @Override
    public String name() {
        return "disk-full";
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        List<Node> nodes = cluster.nodes();
        Node n = nodes.get(random.nextInt(nodes.size()));
        try {
            String mounted = "tmpfs already mounted";
            if (!mounted(n)) {
                // Moving the data needs the member stopped; it then runs on the tmpfs, and the disk fills under a
                // running member (the case that matters: does it stop acknowledging what it cannot write?).
                n.kill();
                mounted = mountTmpfs(n);
                n.start();
                awaitServing(n);
            }
            long filled = fill(n.dataDir().resolve("filler"));
            target = n;
            return "disk full on " + n + " (" + mounted + "; filler " + filled / 1024 + " KiB)";
        } catch (IOException e) {
            n.start();
            throw new UncheckedIOException(e);
        }
    }

    private static boolean mounted(Node n) {
        return Sh.tryRun("mountpoint", "-q", n.dataDir().toString()).code() == 0;
    }

    private static void awaitServing(Node n) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && !n.mode().equals("follower") && !n.mode().equals("leader")) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Moves the data onto a tmpfs the first time; returns a description. */
    private static String mountTmpfs(Node n) throws IOException {
        Path data = n.dataDir();
        long used = Long.parseLong(Sh.run("du", "-sb", data.toString()).split("\\s+")[0]);
        long size = used + 16L * 1024 * 1024;
        Path before = data.resolveSibling("data.before-tmpfs");
        Files.move(data, before);
        Files.createDirectories(data);
        Sh.run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", data.toString());
        Sh.run("cp", "-a", before + "/.", data.toString());
        return "tmpfs of " + size / 1024 + " KiB";
    }

    private static long fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException e) {
            // ENOSPC: full, as intended (a partial last block may remain)
        }
        return written;
    }

    @Override
    public String heal(Cluster cluster) {
        Node n = target;
        target = null;
        if (n == null) {
            return null;
        }
        try {
            Files.deleteIfExists(n.dataDir().resolve("filler"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n.alive()) {
            return "space back on " + n + " (it kept running)";
        }
        Integer code = n.exitCode();
        n.start();
        return "space back on " + n + "; it had stopped (exit " + code + "), restarted";
    }

    /** Unmounts the tmpfs of every member (at teardown, after the members are killed). */
    public static void unmountAll(Cluster cluster) {
        for (Node n : cluster.nodes()) {
            if (Sh.tryRun("mountpoint", "-q", n.dataDir().toString()).code() == 0) {
                Sh.tryRun("umount", "-l", n.dataDir().toString());
            }
        }
    }
}
