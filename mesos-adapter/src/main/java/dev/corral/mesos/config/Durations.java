package dev.corral.mesos.config;

import java.time.Duration;
import java.util.Optional;

/** Durations as operators write them ({@code 604800} seconds, {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code 1w}). */
public final class Durations {

    private Durations() {}

    public static Optional<Duration> parse(String value) {
        String v = value.trim().toLowerCase();
        try {
            if (v.endsWith("ms")) {
                return Optional.of(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
            }
            char unit = v.charAt(v.length() - 1);
            if (Character.isDigit(unit)) {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (unit) {
                case 's' -> Optional.of(Duration.ofSeconds(n));
                case 'm' -> Optional.of(Duration.ofMinutes(n));
                case 'h' -> Optional.of(Duration.ofHours(n));
                case 'd' -> Optional.of(Duration.ofDays(n));
                case 'w' -> Optional.of(Duration.ofDays(7 * n));
                default -> Optional.empty();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** The largest whole unit that states the duration exactly, so a document reads back as written. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
