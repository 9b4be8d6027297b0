package dev.corral.faults.hosts;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.cluster.Network;
import dev.corral.faults.cluster.ServerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/faults hosts}: the members-on-separate-hosts check ({@link HostsCheck}) on a fresh network.
 * Arguments (scripts/faults passes the paths of what it built): {@code --server corral|zookeeper --out DIR
 * --net-prefix crl123 --corral-jar JAR --zk-classpath-file FILE --zk-logback FILE [--tick MS]}.
 * Exit 0 when every step passed, 1 when one failed, 3 when the harness itself failed.
 */
public final class HostsMain {
    private HostsMain() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int code;
        try {
            code = run(a);
        } catch (Exception e) {
            System.out.println("FAIL  harness: " + e);
            e.printStackTrace();
            code = 3;
        }
        System.exit(code);
    }

    private static int run(Map<String, String> a) throws Exception {
        ServerKind kind = ServerKind.parse(a.getOrDefault("server", "corral"));
        Path out = Path.of(a.getOrDefault("out", "target/faults/hosts")).toAbsolutePath();
        String zkCp = a.containsKey("zk-classpath-file")
                ? Files.readString(Path.of(a.get("zk-classpath-file"))).trim() : "";
        ServerKind.Jars jars = new ServerKind.Jars(path(a, "corral-jar"), null, zkCp, path(a, "zk-logback"));
        int tick = Integer.parseInt(a.getOrDefault("tick", "500"));
        System.out.println("hosts: " + kind.label + ", " + HostsCheck.VOTERS + " voters + " + HostsCheck.OBSERVERS
                + " observer, each in its own network namespace; members' logs under " + out);
        try (Network net = new Network(a.getOrDefault("net-prefix", "crl" + ProcessHandle.current().pid()),
                HostsCheck.VOTERS + HostsCheck.OBSERVERS)) {
            net.create();
            try (Cluster cluster = new Cluster(net, out, HostsCheck.VOTERS, HostsCheck.OBSERVERS, kind, jars, tick,
                    false, List.of())) {
                List<String> failed = new HostsCheck(cluster, System.out).run();
                System.out.println("hosts: " + kind.label + ": " + (failed.isEmpty() ? "every step passed"
                        : "FAILED " + failed));
                return failed.isEmpty() ? 0 : 1;
            }
        }
    }

    private static Path path(Map<String, String> a, String key) {
        return a.containsKey(key) ? Path.of(a.get(key)) : null;
    }
}
