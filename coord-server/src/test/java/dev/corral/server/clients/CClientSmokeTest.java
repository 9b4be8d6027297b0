package dev.corral.server.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.it.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C client ({@code cli_mt} from Debian zookeeper-bin) against Corral. cli_mt is asynchronous, so each command
 * is sent only after the previous one's output arrived. The same session runs against a real ZooKeeper so the
 * expectations are ZooKeeper's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CClientSmokeTest {
    private static final String CLI_MT = "/usr/lib/zookeeper/bin/cli_mt";
    private static final Duration STEP = Duration.ofSeconds(15);
    private static final AtomicInteger PROBES = new AtomicInteger();
    /** The C client logs to stderr (merged here) with lines like "2026-...:ZOO_INFO@...". */
    private static final Pattern LOG_LINE = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\d .*ZOO_.*\n");

    @TempDir
    Path dir;

    @Test
    void cliMtSessionAgainstCorral() throws Exception {
        try (Servers.Target corral = Servers.corral(dir)) {
            session(corral.connectString());
        }
    }

    @Test
    void cliMtSessionAgainstZooKeeper() throws Exception {
        try (Servers.Target zk = Servers.zookeeper(dir)) {
            session(zk.connectString());
        }
    }

    private static void session(String connectString) throws Exception {
        ChildProcess.requireExecutable(CLI_MT);
        try (ChildProcess cli = ChildProcess.start(List.of(CLI_MT, connectString), null)) {
            int mark = cli.awaitOutput(0, "Watcher SESSION_EVENT state = CONNECTED_STATE", STEP);
            mark = cli.awaitOutput(0, "Got a new session id: 0x", STEP);

            mark = step(cli, mark, "create /cc", "\\[/cc\\]: rc = 0\n\tname = /cc\n");
            mark = step(cli, mark, "create +s /cc/s-", "\\[/cc/s-\\]: rc = 0\n\tname = /cc/s-0000000000\n");
            mark = step(cli, mark, "create +s /cc/s-", "\\[/cc/s-\\]: rc = 0\n\tname = /cc/s-0000000001\n");
            mark = step(cli, mark, "create +e /cc/e", "\\[/cc/e\\]: rc = 0\n\tname = /cc/e\n");
            mark = step(cli, mark, "create /cc", "\\[/cc\\]: rc = -110\n"); // ZNODEEXISTS
            mark = step(cli, mark, "set /cc hello", "/cc: rc = 0 Stat:\n(.*\n)*?\tversion=1\taversion=0\n");
            mark = step(cli, mark, "get /cc", "/cc: rc = 0\n value_len = 5\nhello\nStat:\n(.*\n)*?"
                    + "\tversion=1\taversion=0\n");

            // ls sets a child watch on /cc (cli_mt passes watch=1)
            int before = mark;
            mark = step(cli, mark, "ls /cc", "/cc: rc = 0\n");
            assertThat(childrenListed(cli.output().substring(before, mark)))
                    .containsExactlyInAnyOrder("e", "s-0000000000", "s-0000000001");

            // exists on a missing node leaves a watch that the later create fires
            mark = step(cli, mark, "exists /nope", "Error -101 for /nope\n");
            mark = step(cli, mark, "get /nope", "/nope: rc = -101\n");
            before = mark;
            mark = step(cli, mark, "create /nope", "\\[/nope\\]: rc = 0\n");
            mark = await(cli, before, "Watcher CREATED_EVENT state = CONNECTED_STATE for path /nope\n");

            mark = step(cli, mark, "delete /cc", "/cc: rc = -111\n"); // ZNOTEMPTY
            before = mark;
            mark = step(cli, mark, "delete /cc/e", "/cc/e: rc = 0\n");
            mark = await(cli, before, "Watcher CHILD_EVENT state = CONNECTED_STATE for path /cc\n");
            mark = step(cli, mark, "delete /cc/s-0000000000", "/cc/s-0000000000: rc = 0\n");
            mark = step(cli, mark, "delete /cc/s-0000000001", "/cc/s-0000000001: rc = 0\n");
            mark = step(cli, mark, "delete /cc", "/cc: rc = 0\n");
            mark = step(cli, mark, "delete /cc", "/cc: rc = -101\n"); // ZNONODE

            mark = step(cli, mark, "create +e /eph", "\\[/eph\\]: rc = 0\n");
            before = mark;
            mark = step(cli, mark, "ls /", "/: rc = 0\n");
            assertThat(childrenListed(cli.output().substring(before, mark)))
                    .containsExactlyInAnyOrder("eph", "nope", "zookeeper");

            cli.send("quit");
            cli.awaitOutput(mark, "Quitting...", STEP);
            assertThat(cli.waitFor(Duration.ofSeconds(15))).isZero();
        }
        // cli_mt closed its session on quit: its ephemeral is gone, its persistent node stays.
        ZooKeeper zk = Servers.connect(connectString, 10_000, null);
        try {
            assertThat(zk.exists("/eph", false)).isNull();
            assertThat(zk.exists("/nope", false)).isNotNull();
        } finally {
            zk.close();
        }
    }

    /**
     * Sends one command and waits for its whole answer, which must contain {@code expected} (a regex); returns the
     * new mark. cli_mt answers on stderr, in request order, but prints its "time = " lines on buffered stdout, so
     * no line reliably ends an answer: a probe ({@code get} of a missing node) follows each command, and its
     * answer marks the end of the command's.
     */
    private static int step(ChildProcess cli, int mark, String command, String expected) {
        cli.send(command);
        String probe = "/probe-" + PROBES.incrementAndGet();
        cli.send("get " + probe);
        int end = await(cli, mark, Pattern.quote(probe + ": rc = -101\n"));
        String answer = withoutLogLines(cli.output().substring(mark, end));
        assertThat(Pattern.compile(expected).matcher(answer).find())
                .as("answer to '%s' matches /%s/; got:%n%s", command, expected, answer).isTrue();
        return end;
    }

    /** Waits until the output after {@code mark}, without the C client's log lines, matches {@code regex}. */
    private static int await(ChildProcess cli, int mark, String regex) {
        Pattern p = Pattern.compile(regex);
        return cli.awaitOutput(mark, tail -> p.matcher(withoutLogLines(tail)).find(), STEP, "/" + regex + "/");
    }

    private static String withoutLogLines(String text) {
        return LOG_LINE.matcher(text).replaceAll("");
    }

    /** The child names in one {@code ls} answer: the tab-indented lines. */
    private static List<String> childrenListed(String block) {
        List<String> names = new ArrayList<>();
        for (String line : withoutLogLines(block).split("\n")) {
            if (line.startsWith("\t") && !line.contains("=")) {
                names.add(line.trim());
            }
        }
        return names;
    }
}
