package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * kill -9 of a random member, rm -rf of its data directory but myid, restart: it must rejoin empty and catch up
 * from the others, and never lead the ensemble back to an older state. Only one member at a time, and only while a
 * quorum of the others serves (wiping a majority loses data by definition).
 */
public final class WipeNemesis implements Nemesis {
    @Override
    public String name() {
        return "wipe";
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        List<Node> nodes = cluster.nodes();
        Node n = nodes.get(random.nextInt(nodes.size()));
        if (!CorruptNemesis.othersServe(cluster, n, java.time.Duration.ofSeconds(30))) {
            return "wipe " + n + " skipped: no quorum of the others serves";
        }
        n.kill();
        try (Stream<Path> files = Files.list(n.dataDir())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().equals("myid")) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        n.start();
        return "wipe " + n + " (rm -rf data but myid), restarted";
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }

    @Override
    public String heal(Cluster cluster) {
        StringBuilder sb = new StringBuilder("restart");
        for (Node n : cluster.nodes()) {
            if (!n.alive()) {
                n.start();
                sb.append(' ').append(n);
            }
        }
        return sb.toString();
    }
}
