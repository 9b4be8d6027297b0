package dev.corral.faults.check;

import java.util.List;

/**
 * One finding of a checker.
 *
 * @param kind   a short word for what is wrong ("lost", "duplicated", "not-linearizable", ...)
 * @param events the indexes of the history events involved, so a reader can find them in the history file
 * @param detail a sentence about it
 */
public record Anomaly(String kind, List<Long> events, String detail) {
    public Anomaly {
        events = List.copyOf(events);
    }

    public static Anomaly of(String kind, String detail, long... events) {
        return new Anomaly(kind, java.util.Arrays.stream(events).boxed().toList(), detail);
    }

    /** The one-line form: {@code kind [events]: detail}. */
    public String text() {
        return kind + " " + events + ": " + detail;
    }

    @Override
    public String toString() {
        return text();
    }
}
