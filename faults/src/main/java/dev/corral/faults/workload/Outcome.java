package dev.corral.faults.workload;

/**
 * Thrown inside an operation to end it with a definite result the server did not express as an error code: a FAIL
 * with a workload word (MISMATCH, EMPTY, TIMEOUT), or an INFO that carries a value (a dequeue that may have taken
 * element e).
 */
final class Outcome extends RuntimeException {
    final boolean definite;
    final String word;
    final Object value;

    private Outcome(boolean definite, String word, Object value) {
        super(word, null, false, false);
        this.definite = definite;
        this.word = word;
        this.value = value;
    }

    static Outcome fail(String word) {
        return new Outcome(true, word, null);
    }

    static Outcome info(String word, Object value) {
        return new Outcome(false, word, value);
    }
}
