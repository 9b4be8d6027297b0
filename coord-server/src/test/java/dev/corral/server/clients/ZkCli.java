package dev.corral.server.clients;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Runs the stock zkCli ({@code org.apache.zookeeper.ZooKeeperMain}) in a child JVM with commands on stdin. */
public final class ZkCli {
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ .*");

    private ZkCli() {
    }

    /**
     * ZooKeeper declares commons-cli (which zkCli needs) as a provided dependency, so it is not on the test
     * classpath through ZooKeeper. Take it from the classpath if someone added it, else from the local Maven
     * repository that holds the ZooKeeper jar, else from Debian's libcommons-cli-java.
     */
    static String classpath() {
        String cp = ChildProcess.testClasspath();
        List<String> entries = List.of(cp.split(File.pathSeparator));
        if (entries.stream().anyMatch(e -> e.contains("commons-cli"))) {
            return cp;
        }
        List<Path> candidates = new ArrayList<>();
        for (String e : entries) {
            if (e.replace('\\', '/').contains("/org/apache/zookeeper/zookeeper/")) {
                // <repo>/org/apache/zookeeper/zookeeper/<version>/zookeeper-<version>.jar
                Path repo = Path.of(e).getParent().getParent().getParent().getParent().getParent().getParent();
                Path dir = repo.resolve("commons-cli/commons-cli");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> versions = Files.list(dir)) {
                        versions.filter(v -> !v.getFileName().toString().startsWith("1.0")
                                        && !v.getFileName().toString().startsWith("1.1")
                                        && !v.getFileName().toString().startsWith("1.2"))
                                .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                                .map(v -> v.resolve("commons-cli-" + v.getFileName() + ".jar"))
                                .filter(Files::isRegularFile)
                                .forEach(candidates::add);
                    } catch (java.io.IOException ex) {
                        // try the next place
                    }
                }
            }
        }
        candidates.add(Path.of("/usr/share/java/commons-cli.jar"));
        for (Path jar : candidates) {
            if (Files.isRegularFile(jar)) {
                return cp + File.pathSeparator + jar;
            }
        }
        throw new AssertionError("zkCli needs commons-cli, which ZooKeeper declares 'provided': add "
                + "commons-cli:commons-cli (test scope) to coord-server/pom.xml, or install libcommons-cli-java");
    }

    /** Runs {@code commands} in one zkCli session; returns what zkCli printed, without log lines. */
    public static List<String> run(String connectString, List<String> commands) {
        return run(connectString, commands, List.of());
    }

    /** As {@link #run(String, List)}, with extra JVM arguments (the client's system properties, say). */
    public static List<String> run(String connectString, List<String> commands, List<String> jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath(),
                "org.apache.zookeeper.ZooKeeperMain", "-waitforconnection", "-timeout", "10000",
                "-server", connectString));
        try (ChildProcess cli = ChildProcess.start(cmd, null)) {
            for (String c : commands) {
                cli.send(c);
            }
            cli.send("quit");
            cli.closeStdin();
            int exit = cli.waitFor(Duration.ofSeconds(60));
            List<String> lines = new ArrayList<>();
            for (String line : cli.output().split("\n")) {
                if (LOG_LINE.matcher(line).matches() || line.isBlank() || line.startsWith("WATCHER::")
                        || line.startsWith("WatchedEvent state:") || line.startsWith("Connecting to ")
                        || line.equals("Welcome to ZooKeeper!") || line.equals("JLine support is disabled")) {
                    continue;
                }
                lines.add(line);
            }
            if (exit != 0) {
                throw new AssertionError("zkCli exited " + exit + "; output:\n" + cli.output());
            }
            return lines;
        }
    }

    /**
     * The output with what may differ between two servers masked: times, session ids, and zxid values (ZooKeeper
     * spends a zxid on every failed write, an error txn; Corral spends none, so later zxids drift apart).
     */
    public static List<String> normalized(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.replaceAll("^(ctime|mtime) = .*", "$1 = <time>")
                    .replaceAll("^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$", "$1 = <zxid>")
                    .replaceAll("^ephemeralOwner = 0x[0-9a-f]*[1-9a-f][0-9a-f]*$", "ephemeralOwner = <session>"));
        }
        return out;
    }
}
