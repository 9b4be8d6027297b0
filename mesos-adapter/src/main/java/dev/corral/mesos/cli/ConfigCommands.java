package dev.corral.mesos.cli;

import dev.corral.mesos.config.ConfigCodec;
import dev.corral.mesos.config.ConfigConflictException;
import dev.corral.mesos.config.ConfigEdits;
import dev.corral.mesos.config.ConfigStore;
import dev.corral.mesos.config.FrameworkConfig;
import dev.corral.mesos.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral-mesos config show|set|edit|history|rollback}: the framework's stored configuration document. Writes
 * name the version they replace, so of two operators editing at once one wins and the other is told (exit code
 * {@value #CONFLICT}); a document that does not validate is refused before anything is written (exit code
 * {@value #INVALID}), naming the field.
 */
@Command(name = "config", description = "Show and change the framework's stored configuration (versioned).",
        subcommands = {ConfigCommands.Show.class, ConfigCommands.Set.class, ConfigCommands.Edit.class,
                ConfigCommands.History.class, ConfigCommands.Rollback.class})
public final class ConfigCommands implements Runnable {

    static final int INVALID = 3;
    static final int CONFLICT = 4;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static PrintWriter out(CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    private static PrintWriter err(CommandSpec spec) {
        return spec.commandLine().getErr();
    }

    private static ConfigStore.Versioned current(ConfigStore store) throws Exception {
        return store.current().orElseThrow(() -> new IllegalStateException(
                "no configuration stored yet: start `corral-mesos run` once to seed it from its flags"));
    }

    /** Writes and reports; the two refusals become their own exit codes. */
    private static int write(CommandSpec spec, ConfigStore store, int expected, FrameworkConfig next, String what) throws Exception {
        try {
            int v = store.set(expected, next);
            out(spec).println(what + ": configuration version " + v + " written (replaced version " + expected + ")");
            return 0;
        } catch (ConfigConflictException e) {
            err(spec).println("refused: " + e.getMessage());
            return CONFLICT;
        }
    }

    @Command(name = "show", description = "Print the configuration document (the current version, or --version N).")
    public static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Option(names = "--version", description = "A kept past version instead of the current one")
        Integer version;
        @Option(names = "--json", description = "Only the JSON document (no '# version' line)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                ConfigStore store = new ConfigStore(client, state.paths());
                int v;
                byte[] data;
                if (version != null) {
                    v = version;
                    data = store.version(version).orElseThrow(() -> new IllegalArgumentException("version " + version + " is not kept"));
                } else {
                    ConfigStore.Stored s = store.stored().orElseThrow(() -> new IllegalStateException("no configuration stored yet"));
                    v = s.version();
                    data = s.data();
                }
                if (!json) {
                    out(spec).println("# version " + v);
                }
                out(spec).print(new String(data, StandardCharsets.UTF_8));
                out(spec).flush();
                return 0;
            }
        }
    }

    @Command(name = "set", description = "Write a new version: key=value edits of the current one, or a whole document (--file).")
    public static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Parameters(arity = "0..*", paramLabel = "KEY=VALUE", description = "command, cpus, mem, instances, failover_timeout, "
                + "env.NAME (empty removes), discovery.base, discovery.service, discovery.port (empty: none)")
        List<String> edits = List.of();
        @Option(names = "--file", description = "A whole JSON document ('-' reads standard input)")
        Path file;
        @Option(names = "--expect-version", description = "Refuse unless the current version is this one (default: the version this command read)")
        Integer expect;

        @Override
        public Integer call() throws Exception {
            if ((file == null) == edits.isEmpty()) {
                err(spec).println("give either KEY=VALUE edits or --file");
                return 2;
            }
            try (CuratorFramework client = state.connect()) {
                ConfigStore store = new ConfigStore(client, state.paths());
                ConfigStore.Versioned cur = current(store);
                int expected = expect != null ? expect : cur.version();
                FrameworkConfig next;
                try {
                    next = file != null ? ConfigCodec.decode(file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file))
                            : ConfigEdits.apply(cur.config(), edits);
                } catch (InvalidConfigException e) {
                    err(spec).println("refused: " + e.getMessage() + "; version " + cur.version() + " stays");
                    return INVALID;
                }
                if (next.equals(cur.config()) && expected == cur.version()) {
                    out(spec).println("no change: version " + cur.version() + " already says that");
                    return 0;
                }
                return write(spec, store, expected, next, "set");
            }
        }
    }

    @Command(name = "edit", description = "Edit the document in $VISUAL/$EDITOR; written (version-checked) if valid.")
    public static final class Edit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Option(names = "--editor", description = "Editor command, given the file as its last argument (default: $VISUAL, $EDITOR, vi)")
        String editorCommand;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                ConfigStore store = new ConfigStore(client, state.paths());
                ConfigStore.Versioned cur = current(store);
                Path f = Files.createTempFile("corral-mesos-config-v" + cur.version() + "-", ".json");
                byte[] before = ConfigCodec.encode(cur.config());
                Files.write(f, before);
                String editor = Optional.ofNullable(editorCommand)
                        .or(() -> Optional.ofNullable(System.getenv("VISUAL"))).filter(s -> !s.isBlank())
                        .or(() -> Optional.ofNullable(System.getenv("EDITOR")).filter(s -> !s.isBlank())).orElse("vi");
                int code = new ProcessBuilder("sh", "-c", editor + " \"$0\"", f.toString()).inheritIO().start().waitFor();
                if (code != 0) {
                    err(spec).println("editor exited with " + code + "; nothing written (your edit: " + f + ")");
                    return 1;
                }
                byte[] after = Files.readAllBytes(f);
                if (Arrays.equals(before, after)) {
                    Files.deleteIfExists(f);
                    out(spec).println("no change");
                    return 0;
                }
                FrameworkConfig next;
                try {
                    next = ConfigCodec.decode(after);
                } catch (InvalidConfigException e) {
                    err(spec).println("refused: " + e.getMessage() + "; version " + cur.version() + " stays (your edit: " + f + ")");
                    return INVALID;
                }
                int rc = write(spec, store, cur.version(), next, "edit");
                if (rc == 0) {
                    Files.deleteIfExists(f);
                } else {
                    err(spec).println("your edit is kept at " + f);
                }
                return rc;
            }
        }
    }

    @Command(name = "history", description = "The kept versions (newest " + ConfigStore.HISTORY_KEEP + "), oldest first; * marks the current one.")
    public static final class History implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                ConfigStore store = new ConfigStore(client, state.paths());
                int current = store.stored().map(ConfigStore.Stored::version).orElse(-1);
                PrintWriter out = out(spec);
                out.printf("  %-8s %-24s %-9s %-6s %-8s %-12s %s%n", "VERSION", "WRITTEN (UTC)", "INSTANCES", "CPUS", "MEM",
                        "SPEC", "COMMAND");
                for (ConfigStore.Stored h : store.history()) {
                    String mark = h.version() == current ? "*" : " ";
                    String when = Instant.ofEpochMilli(h.modifiedMillis()).toString();
                    try {
                        FrameworkConfig c = h.decode();
                        out.printf("%s %-8d %-24s %-9d %-6s %-8s %-12s %s%n", mark, h.version(), when, c.instances(),
                                c.cpus(), c.mem(), c.specHash(), c.command());
                    } catch (InvalidConfigException e) {
                        out.printf("%s %-8d %-24s (invalid: %s)%n", mark, h.version(), when, e.getMessage());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "rollback", description = "Write a kept past version's content as a new version.")
    public static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateOptions state;
        @Parameters(index = "0", paramLabel = "VERSION", description = "The past version to go back to (see `config history`)")
        int version;
        @Option(names = "--expect-version", description = "Refuse unless the current version is this one (default: the version this command read)")
        Integer expect;

        @Override
        public Integer call() throws Exception {
            try (CuratorFramework client = state.connect()) {
                ConfigStore store = new ConfigStore(client, state.paths());
                ConfigStore.Versioned cur = current(store);
                Optional<byte[]> old = store.version(version);
                if (old.isEmpty()) {
                    err(spec).println("version " + version + " is not kept (history keeps the newest " + ConfigStore.HISTORY_KEEP
                            + "; see `config history`)");
                    return 1;
                }
                FrameworkConfig target;
                try {
                    target = ConfigCodec.decode(old.get());
                } catch (InvalidConfigException e) {
                    err(spec).println("refused: version " + version + " does not validate: " + e.getMessage());
                    return INVALID;
                }
                return write(spec, store, expect != null ? expect : cur.version(), target, "rollback to version " + version);
            }
        }
    }
}
