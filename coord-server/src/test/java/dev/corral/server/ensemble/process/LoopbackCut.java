package dev.corral.server.ensemble.process;

import static dev.corral.server.ensemble.process.ProcessEnsemble.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-way cut between two servers of a {@link ProcessEnsemble} on loopback: iptables OUTPUT rules drop every
 * packet {@code sender} sends to {@code receiver} on the quorum connections open between them now (found with
 * {@code ss}), while the other way still flows. Only those port pairs are matched, so nothing else on this machine
 * is touched; {@link #close} removes exactly the rules it added. Needs root and iptables.
 */
final class LoopbackCut implements AutoCloseable {
    private static final Pattern SOCKET = Pattern.compile(
            ":(\\d+)\\s+\\S+:(\\d+)\\s+users:\\(\\(\"[^\"]*\",pid=(\\d+),");

    private final List<List<String>> rules = new ArrayList<>();

    /** Whether this run may add iptables rules (root, iptables present). */
    static boolean available() {
        return "root".equals(System.getProperty("user.name"))
                && run(List.of("iptables", "-w", "-S", "OUTPUT")).startsWith("ok");
    }

    /** Drops what {@code sender} sends {@code receiver} from now on, on the connections they have now. */
    static LoopbackCut oneWay(ProcessEnsemble ensemble, int sender, int receiver) {
        LoopbackCut cut = new LoopbackCut();
        String sockets = run(List.of("ss", "-tnpH", "state", "established"));
        long senderPid = ensemble.pid(sender);
        long receiverPid = ensemble.pid(receiver);
        for (String line : sockets.split("\n")) {
            Matcher m = SOCKET.matcher(line.trim());
            if (!m.find()) {
                continue;
            }
            int local = Integer.parseInt(m.group(1));
            int peer = Integer.parseInt(m.group(2));
            long pid = Long.parseLong(m.group(3));
            // The receiver's connections to the sender's quorum port, and the sender's to the receiver's.
            if (pid == receiverPid && peer == ensemble.quorumPort(sender)) {
                cut.drop(peer, local);
            } else if (pid == senderPid && peer == ensemble.quorumPort(receiver)) {
                cut.drop(local, peer);
            }
        }
        if (cut.rules.isEmpty()) {
            throw new AssertionError("no quorum connection between servers " + sender + " and " + receiver
                    + " in:\n" + sockets);
        }
        log("cut server %d -> server %d (%d connection(s)), the other way still flows", sender, receiver,
                cut.rules.size());
        return cut;
    }

    private void drop(int sourcePort, int destinationPort) {
        List<String> rule = List.of("OUTPUT", "-o", "lo", "-p", "tcp", "-s", "127.0.0.1", "-d", "127.0.0.1",
                "--sport", Integer.toString(sourcePort), "--dport", Integer.toString(destinationPort), "-j", "DROP");
        iptables("-I", rule);
        rules.add(rule);
    }

    /** Removes the rules: the cut heals. */
    @Override
    public void close() {
        for (List<String> rule : rules) {
            iptables("-D", rule);
        }
        if (!rules.isEmpty()) {
            log("cut healed (%d rule(s) removed)", rules.size());
        }
        rules.clear();
    }

    private static void iptables(String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", action));
        command.addAll(rule);
        String result = run(command);
        if (!result.startsWith("ok")) {
            throw new AssertionError(String.join(" ", command) + ": " + result);
        }
    }

    /** "ok\n" + stdout, or "failed ..." with the output. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "failed (timed out): " + out;
            }
            return p.exitValue() == 0 ? "ok\n" + out : "failed (exit " + p.exitValue() + "): " + out;
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
