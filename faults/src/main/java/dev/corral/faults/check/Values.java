package dev.corral.faults.check;

import java.util.ArrayList;
import java.util.List;

/** Reading the values of history events, which arrive as Long, String, Boolean or lists of those. */
final class Values {
    private Values() {}

    static long asLong(Object v, long event) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("event " + event + ": expected a number, got " + v);
    }

    static List<?> asList(Object v, long event) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("event " + event + ": expected a list, got " + v);
    }

    static List<Long> asLongs(Object v, long event) {
        List<Long> out = new ArrayList<>();
        for (Object o : asList(v, event)) {
            out.add(asLong(o, event));
        }
        return out;
    }

    static long[] indexes(Call... calls) {
        return java.util.Arrays.stream(calls).flatMapToLong(c -> java.util.Arrays.stream(c.events())).toArray();
    }
}
