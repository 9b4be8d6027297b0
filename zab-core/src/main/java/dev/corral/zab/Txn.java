package dev.corral.zab;

import java.util.Arrays;

/** One replicated transaction: its zxid and the host's opaque payload (the core never looks inside). */
public record Txn(Zxid zxid, byte[] payload) {
    public Txn {
        if (zxid == null || payload == null) {
            throw new IllegalArgumentException("zxid and payload are required");
        }
    }

    public long counter() {
        return zxid.counter();
    }

    public long epoch() {
        return zxid.epoch();
    }

    // Arrays compare by content so tests and checkers can compare histories directly.
    @Override
    public boolean equals(Object o) {
        return o instanceof Txn t && zxid.equals(t.zxid) && Arrays.equals(payload, t.payload);
    }

    @Override
    public int hashCode() {
        return 31 * zxid.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Txn[" + zxid + ", " + payload.length + "B]";
    }
}
