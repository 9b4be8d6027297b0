package dev.corral.server.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process for the stock-client and process-fault tests: its stdout and stderr merged into one transcript
 * that the test can wait on, and its stdin open for scripted commands.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final StringBuilder transcript = new StringBuilder();
    private final OutputStream stdin;
    private final Thread reader;

    private ChildProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::pump, "child-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildProcess start(List<String> command, Path workDir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            return new ChildProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** A command line that runs {@code mainClass} in a fresh JVM with this test run's classpath. */
    public static List<String> java(String mainClass, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(testClasspath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String snapshotClasspath;

    /**
     * The classpath of this test run (Surefire may hide it behind a manifest-only jar), with its class directories
     * (target/classes, target/test-classes) copied once to a private place: other builds in the same checkout
     * recompile those directories while child JVMs load classes from them lazily.
     */
    public static synchronized String testClasspath() {
        if (snapshotClasspath == null) {
            String cp = System.getProperty("surefire.test.class.path");
            if (cp == null || cp.isBlank()) {
                cp = System.getProperty("java.class.path");
            }
            try {
                Path snapshot = Files.createTempDirectory("corral-test-cp");
                List<String> entries = new ArrayList<>();
                int n = 0;
                for (String entry : cp.split(java.io.File.pathSeparator)) {
                    Path p = Path.of(entry);
                    if (Files.isDirectory(p)) {
                        Path copy = snapshot.resolve((n++) + "-" + p.getFileName());
                        copyTree(p, copy);
                        entries.add(copy.toString());
                    } else {
                        entries.add(entry);
                    }
                }
                snapshotClasspath = String.join(java.io.File.pathSeparator, entries);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(snapshot)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return snapshotClasspath;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    try {
                        Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // deleted by a concurrent build between listing and copying; the loaded copy is ours
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** A tool the CI machine installs (scripts/setup); its absence fails the test rather than skipping it. */
    public static Path requireExecutable(String path) {
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            throw new AssertionError(path + " is missing: run scripts/setup (it installs the Debian packages "
                    + "python3-kazoo and zookeeper-bin that the stock-client tests need)");
        }
        return p;
    }

    public static int freePort() {
        return dev.corral.server.FreePorts.next();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (transcript) {
                    transcript.append(line).append('\n');
                    transcript.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; the transcript holds what it said
        }
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    public String output() {
        synchronized (transcript) {
            return transcript.toString();
        }
    }

    /** Writes one line to the process's stdin. */
    public void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to process " + process.pid() + "; output so far:\n"
                    + output(), e);
        }
    }

    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /**
     * Waits until the transcript after {@code from} satisfies {@code condition}; returns the length of the
     * transcript when it did (a mark for the next wait).
     */
    public int awaitOutput(int from, Predicate<String> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (transcript) {
            while (true) {
                String tail = transcript.substring(Math.min(from, transcript.length()));
                if (condition.test(tail)) {
                    return transcript.length();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what
                            + "; output since mark:\n" + tail);
                }
                try {
                    // Wake up now and then: the condition may look at more than the transcript (a process exit).
                    transcript.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    public int awaitOutput(int from, String text, Duration timeout) {
        return awaitOutput(from, s -> s.contains(text), timeout, "'" + text + "'");
    }

    /** Waits for the process to exit; returns its exit code. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("process " + process.pid() + " did not exit within " + timeout
                        + "; output:\n" + output());
            }
            reader.join(5000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closeStdin();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }
}
