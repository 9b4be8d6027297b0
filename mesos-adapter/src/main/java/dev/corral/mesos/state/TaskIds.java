package dev.corral.mesos.state;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task ids name their instance slot and the configuration version that launched them: {@code <framework>-<slot>}
 * under version 0 (the ids the kit always used), {@code <framework>-<slot>-v<version>} after. Replacing a task makes a
 * new id, as Mesos wants: a task id is never reused for a different task.
 */
public record TaskIds(String frameworkName) {

    /** A parsed id. */
    public record Parsed(int slot, int version) {}

    public String of(int slot, int version) {
        return frameworkName + "-" + slot + (version == 0 ? "" : "-v" + version);
    }

    public Optional<Parsed> parse(String taskId) {
        Matcher m = Pattern.compile(Pattern.quote(frameworkName) + "-(\\d{1,9})(?:-v(\\d{1,9}))?").matcher(taskId);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
    }

    public boolean owns(String taskId) {
        return parse(taskId).isPresent();
    }
}
