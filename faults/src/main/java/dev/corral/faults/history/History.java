package dev.corral.faults.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A recorded history, and its file form: JSON lines, one {@link Op} per line with the fields {@code index, process,
 * type} ("invoke", "ok", "fail", "info"), {@code f, key, value, time, error}. Thread-safe for recording: workload
 * threads {@link #record} as they go; each event gets the next index.
 */
public final class History {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Op> ops = new ArrayList<>();
    private final long origin;

    /** A new, empty history whose times count from now. */
    public History() {
        this.origin = System.nanoTime();
    }

    private History(List<Op> ops) {
        this.origin = 0;
        this.ops.addAll(ops);
    }

    /** A history of already-made events (tests write them by hand), re-indexed in list order. */
    public static History of(List<Op> events) {
        List<Op> indexed = new ArrayList<>();
        for (Op o : events) {
            indexed.add(new Op(indexed.size(), o.process(), o.type(), o.f(), o.key(), o.value(), o.time(),
                    o.error()));
        }
        return new History(indexed);
    }

    /** Records one event now; returns it. */
    public synchronized Op record(int process, Op.Type type, String f, String key, Object value, String error) {
        Op op = new Op(ops.size(), process, type, f, key, value, System.nanoTime() - origin, error);
        ops.add(op);
        return op;
    }

    /** The events so far, in index order. */
    public synchronized List<Op> ops() {
        return Collections.unmodifiableList(new ArrayList<>(ops));
    }

    public synchronized int size() {
        return ops.size();
    }

    // ------------------------------------------------------------------ files

    public void write(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Op op : ops()) {
                w.write(toJson(op));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history " + file, e);
        }
    }

    public static History read(Path file) {
        List<Op> ops = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (!line.isBlank()) {
                    try {
                        ops.add(fromJson(line));
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": not a history event: " + e, e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history " + file, e);
        }
        return new History(ops);
    }

    static String toJson(Op op) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", op.index());
        n.put("process", op.process());
        n.put("type", op.type().name().toLowerCase(Locale.ROOT));
        n.put("f", op.f());
        n.put("key", op.key());
        n.set("value", JSON.valueToTree(op.value()));
        n.put("time", op.time());
        n.put("error", op.error());
        return n.toString();
    }

    static Op fromJson(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        return new Op(n.get("index").asLong(), n.get("process").asInt(),
                Op.Type.valueOf(n.get("type").asText().toUpperCase(Locale.ROOT)), text(n, "f"), text(n, "key"),
                value(n.get("value")), n.get("time").asLong(), text(n, "error"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Object value(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            v.forEach(e -> out.add(value(e)));
            return out;
        }
        return v.asText();
    }
}
