package dev.corral.mesos.detect;

import java.util.Optional;

/**
 * One member of a libmesos ZooKeeper group: a child znode named {@code [label_]%010d}. Members are ordered by
 * sequence only, as in libmesos ({@code Group::Membership::operator<}), whatever their label.
 */
public record Membership(int sequence, Optional<String> label) implements Comparable<Membership> {

    /**
     * Parses a child name the way libmesos' {@code GroupProcess::cache} does: tokenize on '_' (empty tokens
     * dropped), a label only if there is more than one token, the sequence is the last token and must be an int32.
     * Children that do not parse (e.g. {@code log_replicas}, the replicated log's own group) are not members.
     */
    public static Optional<Membership> parse(String child) {
        String[] raw = child.split("_");
        java.util.List<String> tokens = new java.util.ArrayList<>();
        for (String t : raw) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> label = tokens.size() > 1 ? Optional.of(tokens.get(0)) : Optional.empty();
        String last = tokens.get(tokens.size() - 1);
        if (!last.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Membership(Integer.parseInt(last), label));
        } catch (NumberFormatException tooBig) {
            return Optional.empty();
        }
    }

    /** The znode base name, as libmesos' {@code zkBasename} rebuilds it. */
    public String znodeName() {
        String seq = String.format("%010d", sequence);
        return label.map(l -> l + "_" + seq).orElse(seq);
    }

    @Override
    public int compareTo(Membership o) {
        return Integer.compare(sequence, o.sequence);
    }
}
