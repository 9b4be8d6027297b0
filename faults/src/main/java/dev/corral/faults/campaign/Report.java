package dev.corral.faults.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** report.txt (a table for people) and report.json (the same, for machines) of one run. */
final class Report {
    private Report() {
    }

    static void write(Path dir, Options o, String command, List<Result> results,
            Map<String, List<String>> phaseSummaries, List<String> runProblems, long seconds) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("fault campaign: server=" + o.server().label + " nodes=" + o.nodes() + " seed=" + o.seed()
                + " phase=" + o.phase().toSeconds() + "s  wall=" + seconds + "s");
        lines.add("command: " + command);
        lines.add("");
        lines.add(String.format("%-10s %-22s %7s %7s %6s %6s %6s  %-16s %s", "workload", "nemesis", "ops", "ok",
                "fail", "info", "faults", "verdict", "anomalies / problems"));
        for (Result r : results) {
            List<String> notes = new ArrayList<>();
            if (r.verdict().status() != Judge.Status.VALID) {
                notes.addAll(r.verdict().anomalies());
            }
            notes.addAll(r.divergence());
            r.harnessProblems().forEach(p -> notes.add("HARNESS: " + p));
            lines.add(String.format("%-10s %-22s %7d %7d %6d %6d %6d  %-16s %s", r.workload(), r.nemesis(),
                    r.invocations(), r.ok(), r.fail(), r.info(), r.faults(), r.verdictText(),
                    String.join("; ", notes)));
        }
        runProblems.forEach(p -> lines.add("HARNESS: " + p));
        phaseSummaries.forEach((phase, summary) -> {
            lines.add("");
            lines.add("phase " + phase + " (rates: " + phase + "/<workload>/rates.txt; memory: " + phase
                    + "/resources.csv):");
            summary.forEach(s -> lines.add("  " + s));
        });
        lines.add("");
        lines.add("outcome: " + outcome(results, runProblems));
        Files.write(dir.resolve("report.txt"), lines);
        lines.forEach(System.out::println);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("server", o.server().label);
        json.put("nodes", o.nodes());
        json.put("seed", o.seed());
        json.put("phaseSeconds", o.phase().toSeconds());
        json.put("wallSeconds", seconds);
        json.put("command", command);
        json.put("results", results);
        json.put("phases", phaseSummaries);
        json.put("harnessProblems", runProblems);
        json.put("outcome", outcome(results, runProblems));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("report.json").toFile(),
                json);
    }

    static String outcome(List<Result> results, List<String> runProblems) {
        if (results.stream().anyMatch(Result::anomalous)) {
            return "ANOMALIES";
        }
        if (!runProblems.isEmpty() || results.stream().anyMatch(r -> !r.harnessProblems().isEmpty())) {
            return "HARNESS FAILURE";
        }
        if (results.stream().anyMatch(r -> r.verdict().status() == Judge.Status.UNKNOWN)) {
            return "no anomaly found, but some histories were undecided (see their notes)";
        }
        return "valid";
    }

    static int exitCode(List<Result> results, List<String> runProblems) {
        return switch (outcome(results, runProblems)) {
            case "ANOMALIES" -> 1;
            case "HARNESS FAILURE" -> 3;
            default -> 0;
        };
    }
}
