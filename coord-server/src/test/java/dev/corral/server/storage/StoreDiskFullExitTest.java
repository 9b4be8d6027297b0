package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.server.clients.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process whose tree store fills its file system stops with exit code 70 and a message naming the directory, every
 * time: never SIGABRT (134) from RocksDB's background threads (the failed flush, its no-space recovery) still running
 * when the process exits. Several runs of {@link DiskFullProbe}, each on a fresh 8 MiB tmpfs (needs root; skipped
 * elsewhere). {@code -Dcorral.diskFullRuns=N} sets the number of runs (3).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class StoreDiskFullExitTest {
    @TempDir
    Path dir;

    @Test
    void aStoreThatFillsItsDiskStopsWithSeventyNamingTheDirectory() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        int runs = Integer.getInteger("corral.diskFullRuns", 3);
        List<Integer> codes = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path fs = Files.createDirectories(dir.resolve("fs" + i));
            assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", fs.toString()) == 0,
                    "cannot mount a tmpfs here");
            try (ChildProcess p = ChildProcess.start(ChildProcess.java(DiskFullProbe.class.getName(),
                    List.of("-Xmx64m"), fs.toString()), dir)) {
                int code = p.waitFor(Duration.ofSeconds(120));
                codes.add(code);
                String out = p.output();
                if (code != 70 || !out.contains("exiting with code 70") || !out.contains(fs.toString())) {
                    wrong.add("run " + i + ": exit " + code + "\n" + tail(out));
                }
            } finally {
                sh("umount", "-l", fs.toString());
            }
        }
        System.out.println("disk-full probe exit codes: " + codes);
        assertThat(wrong).as("runs that did not stop with 70 and a message naming the directory").isEmpty();
    }

    private static String tail(String out) {
        String[] lines = out.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            System.out.println(String.join(" ", cmd) + ": exit " + code + ": " + out.trim());
        }
        return code;
    }
}
