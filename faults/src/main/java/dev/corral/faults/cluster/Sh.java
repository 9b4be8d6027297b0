package dev.corral.faults.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, iptables, kill) and says clearly what failed. */
public final class Sh {
    private Sh() {
    }

    /** Runs {@code cmd}; throws with its output when it exits non-zero. Returns its output. */
    public static String run(String... cmd) {
        Result r = tryRun(cmd);
        if (r.code != 0) {
            throw new IllegalStateException("command failed (" + r.code + "): " + String.join(" ", cmd) + "\n"
                    + r.output);
        }
        return r.output;
    }

    /** Runs {@code cmd} and returns its exit code and output, never throwing for a non-zero exit. */
    public static Result tryRun(String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public record Result(int code, String output) {
    }
}
