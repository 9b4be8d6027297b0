package dev.corral.server.admin;

import java.util.Collection;
import java.util.Map;

/**
 * Writes the AdminServer's answers as JSON in the layout of Jackson's default pretty printer, which ZooKeeper's
 * AdminServer uses, so a diff against ZooKeeper's output shows only values. Values: maps, collections, strings,
 * numbers, booleans, null.
 */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        value(out, value, 0);
        return out.toString();
    }

    private static void value(StringBuilder out, Object v, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{ }");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                indent(out, depth + 1);
                string(out, String.valueOf(e.getKey()));
                out.append(" : ");
                value(out, e.getValue(), depth + 1);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append('}');
        } else if (v instanceof Collection<?> list) {
            if (list.isEmpty()) {
                out.append("[ ]");
                return;
            }
            out.append("[ ");
            int i = 0;
            for (Object item : list) {
                value(out, item, depth);
                out.append(++i < list.size() ? ", " : " ");
            }
            out.append(']');
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            out.append(v);
        } else if (v instanceof Double d) {
            out.append(d.isNaN() || d.isInfinite() ? "\"" + d + "\"" : d.toString());
        } else if (v instanceof Number n) {
            out.append(n);
        } else {
            string(out, v.toString());
        }
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("  ".repeat(depth));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
