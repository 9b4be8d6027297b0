package dev.corral.mesos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.mesos.cli.CorralMesos;
import dev.corral.mesos.detect.ZkUrl;
import dev.corral.mesos.ha.Coordination;
import dev.corral.mesos.ha.FrameworkPaths;
import dev.corral.mesos.support.ZkTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The stored configuration document through {@code corral-mesos config ...}, against the coordination service the
 * suite targets (embedded Apache ZooKeeper 3.9, or Corral with -Dcorral.connect): version-checked writes under real
 * concurrency, refusal of invalid documents naming the field, history, rollback and retention.
 */
class ConfigDocumentTest {

    private record Result(int code, String out, String err) {}

    private String root;
    private String zk;
    private FrameworkPaths paths;
    private CuratorFramework client;
    private ConfigStore store;

    @BeforeEach
    void seed() throws Exception {
        root = ZkTarget.uniqueRoot("cfg");
        zk = "zk://" + ZkTarget.connectString() + root;
        paths = FrameworkPaths.of(root, "web");
        client = Coordination.connect(ZkUrl.parse(zk), Duration.ofMillis(ZkTarget.SESSION_TIMEOUT_MS));
        store = new ConfigStore(client, paths);
        store.seed(FrameworkConfig.seed("web", "sleep 60", 0.1, 32, 2, Duration.ofDays(7)));
    }

    @AfterEach
    void close() {
        client.close();
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new CorralMesos());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--zk", zk, "--framework-name", "web"));
        int code = cl.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void flagsSeedOnlyTheFirstVersion() throws Exception {
        ConfigStore.Versioned again = store.seed(FrameworkConfig.seed("web", "other", 1, 64, 9, Duration.ofHours(1)));
        assertThat(again.version()).isZero();
        assertThat(again.config().command()).isEqualTo("sleep 60");
        assertThat(again.config().instances()).isEqualTo(2);
        Result show = cli("config", "show");
        assertThat(show.code()).isZero();
        assertThat(show.out()).startsWith("# version 0").contains("\"command\" : \"sleep 60\"").contains("\"failover_timeout\" : \"7d\"")
                .contains("\"service\" : \"web\"");
    }

    @Test
    void runWithoutTaskFlagsNeedsAStoredDocument() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new CorralMesos());
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("run", "--master", "127.0.0.1:1", "--zk", "zk://" + ZkTarget.connectString()
                + ZkTarget.uniqueRoot("cfg-none"), "--framework-name", "web", "--advertise", "x:1");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("no configuration stored at").contains("give the task flags (--command ...) to seed it");
    }

    @Test
    void twoOperatorsEditingAtOnceOneWinsTheOtherIsTold() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int k = 0; k < 5; k++) {
                int round = k;
                int base = store.current().orElseThrow().version();
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Result>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int n = 3 + i + 2 * round; // never what the previous round left, so no edit is a no-op
                    results.add(pool.submit(() -> {
                        start.await();
                        return cli("config", "set", "--expect-version", Integer.toString(base), "instances=" + n,
                                "command=sleep " + (100 + n));
                    }));
                }
                List<Result> done = new ArrayList<>();
                for (Future<Result> f : results) {
                    done.add(f.get());
                }
                assertThat(done).as(done.toString()).extracting(Result::code).containsExactlyInAnyOrder(0, 4);
                Result loser = done.stream().filter(r -> r.code() == 4).findFirst().orElseThrow();
                assertThat(loser.err()).contains("refused: configuration changed since version " + base)
                        .contains("now version " + (base + 1));
                Result winner = done.stream().filter(r -> r.code() == 0).findFirst().orElseThrow();
                ConfigStore.Versioned now = store.current().orElseThrow();
                assertThat(now.version()).isEqualTo(base + 1);
                // The stored document is wholly the winner's: no mix of the two edits.
                assertThat(winner.out()).contains("version " + (base + 1) + " written");
                assertThat(now.config().command()).isEqualTo("sleep " + (100 + now.config().instances()));
            }
        } finally {
            pool.shutdownNow();
        }
        // The same race through the store API: the loser gets the typed exception with both versions.
        int v = store.current().orElseThrow().version();
        store.set(v, store.current().orElseThrow().config().withInstances(7));
        assertThatThrownBy(() -> store.set(v, store.current().orElseThrow().config().withInstances(8)))
                .isInstanceOfSatisfying(ConfigConflictException.class, e -> {
                    assertThat(e.expected()).isEqualTo(v);
                    assertThat(e.current()).isEqualTo(v + 1);
                });
        assertThat(store.current().orElseThrow().config().instances()).isEqualTo(7);
    }

    @Test
    void anInvalidDocumentIsRefusedNamingTheFieldAndTheRunningOneStays() throws Exception {
        String good = new String(ConfigCodec.encode(store.current().orElseThrow().config()), StandardCharsets.UTF_8);
        String[][] bad = {
                {"\"cpus\" : 0.1", "\"cpus\" : -1", "'cpus'"},
                {"\"instances\" : 2", "\"instances\" : \"three\"", "'instances'"},
                {"\"instances\" : 2", "\"instances\" : 2, \"instanses\" : 3", "'instanses'"},
                {"\"environment\" : { }", "\"environment\" : { \"MODE\" : 1 }", "'environment.MODE'"},
                {"\"port\" : null", "\"port\" : 70000", "'discovery.port'"},
                {"\"failover_timeout\" : \"7d\"", "\"failover_timeout\" : \"soon\"", "'failover_timeout'"},
                {"\"command\" : \"sleep 60\"", "\"command\" : \" \"", "'command'"},
                {"\"service\" : \"web\"", "\"service\" : \"a/b\"", "'discovery.service'"},
                {"{", "[", "'(document)'"},
        };
        Path file = Files.createTempFile("cfg", ".json");
        for (String[] b : bad) {
            assertThat(good).contains(b[0]);
            Files.writeString(file, good.replace(b[0], b[1]));
            Result r = cli("config", "set", "--file", file.toString());
            assertThat(r.code()).as(b[1]).isEqualTo(3);
            assertThat(r.err()).as(b[1]).contains("refused: invalid configuration: field " + b[2]).contains("version 0 stays");
        }
        Result edit = cli("config", "set", "mem=lots");
        assertThat(edit.code()).isEqualTo(3);
        assertThat(edit.err()).contains("field 'mem'");
        assertThat(cli("config", "set", "colour=blue").err()).contains("field 'colour' is not a known field");
        assertThat(store.stored().orElseThrow().version()).isZero();
        assertThat(store.history()).hasSize(1);

        // A good whole document goes in, and is read back as written.
        Files.writeString(file, good.replace("\"instances\" : 2", "\"instances\" : 4"));
        assertThat(cli("config", "set", "--file", file.toString()).code()).isZero();
        assertThat(store.current().orElseThrow().config().instances()).isEqualTo(4);
    }

    @Test
    void historyRollbackAndRetention() throws Exception {
        assertThat(cli("config", "set", "instances=3").code()).isZero();
        assertThat(cli("config", "set", "command=sleep 61", "env.MODE=blue").code()).isZero();
        assertThat(cli("config", "set", "instances=5", "discovery.port=8080").code()).isZero();
        Result history = cli("config", "history");
        assertThat(history.out()).contains("sleep 60").contains("sleep 61");
        assertThat(history.out().lines().filter(l -> l.startsWith("*"))).singleElement().asString().contains(" 3 ");

        Result rb = cli("config", "rollback", "1");
        assertThat(rb.code()).as(rb.err()).isZero();
        assertThat(rb.out()).contains("version 4 written");
        ConfigStore.Versioned now = store.current().orElseThrow();
        assertThat(now.version()).isEqualTo(4);
        assertThat(now.config()).isEqualTo(ConfigCodec.decode(store.version(1).orElseThrow()));
        assertThat(now.config().instances()).isEqualTo(3);
        assertThat(now.config().command()).isEqualTo("sleep 60");
        assertThat(cli("config", "show", "--version", "2", "--json").out()).contains("\"MODE\" : \"blue\"");

        // A rollback naming a stale current version is refused like any other write.
        Result stale = cli("config", "rollback", "2", "--expect-version", "3");
        assertThat(stale.code()).isEqualTo(4);
        assertThat(store.current().orElseThrow().version()).isEqualTo(4);

        for (int i = 0; i < 25; i++) {
            store.set(store.current().orElseThrow().version(), store.current().orElseThrow().config().withInstances(i));
        }
        List<ConfigStore.Stored> kept = store.history();
        assertThat(kept).hasSize(ConfigStore.HISTORY_KEEP);
        assertThat(kept.get(kept.size() - 1).version()).isEqualTo(29);
        assertThat(kept.get(0).version()).isEqualTo(29 - ConfigStore.HISTORY_KEEP + 1);
        Result gone = cli("config", "rollback", "1");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("version 1 is not kept");
    }

    @Test
    void editRunsTheEditorAndWritesAValidResultWithTheVersionCheck() throws Exception {
        Result ok = cli("config", "edit", "--editor", "sed -i -e 's/sleep 60/sleep 90/'");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(store.current().orElseThrow().config().command()).isEqualTo("sleep 90");
        assertThat(store.current().orElseThrow().version()).isEqualTo(1);

        Result bad = cli("config", "edit", "--editor", "sed -i -e 's/\"mem\" : 32.0/\"mem\" : 0/'");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("field 'mem'").contains("version 1 stays");

        // Someone else writes while the editor is open: the edit is refused, not merged over theirs.
        Result raced = cli("config", "edit", "--editor", "f() { " + writeVersionScript() + " sed -i -e 's/sleep 90/sleep 91/' \"$1\"; }; f");
        assertThat(raced.code()).as(raced.err()).isEqualTo(4);
        assertThat(raced.err()).contains("changed since version 1");
        assertThat(store.current().orElseThrow().config().instances()).isEqualTo(6);
    }

    /** A shell snippet that writes a new version (instances=6) through a second client while the editor "runs". */
    private String writeVersionScript() throws Exception {
        Path marker = Files.createTempFile("edit-race", ".flag");
        Files.delete(marker);
        Thread t = new Thread(() -> {
            try {
                while (!Files.exists(marker)) {
                    Thread.sleep(20);
                }
                store.set(1, store.current().orElseThrow().config().withInstances(6));
                Files.writeString(marker, "done");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return "touch " + marker + "; while [ ! -s " + marker + " ]; do sleep 0.05; done;";
    }
}
