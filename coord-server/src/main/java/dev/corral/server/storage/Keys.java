package dev.corral.server.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layouts of the store's column families.
 *
 * <p>Node key: 2-byte big-endian depth, then the UTF-8 path. "/" has depth 0, "/a" depth 1, "/a/b" depth 2. The
 * children of P are exactly the keys that start with (depth(P)+1, P + "/") — for "/" that is (1, "/") — because a
 * key of that depth holds no further '/' after the prefix.
 */
final class Keys {

    static final int MAX_DEPTH = 0xFFFF;

    private Keys() {
    }

    /** Depth of a path: the number of '/' in it, except "/" which has depth 0. */
    static int depth(String path) {
        checkPath(path);
        if (path.length() == 1) {
            return 0;
        }
        int depth = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                depth++;
            }
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("path deeper than " + MAX_DEPTH + " levels");
        }
        return depth;
    }

    static byte[] nodeKey(String path) {
        return withDepth(depth(path), path.getBytes(StandardCharsets.UTF_8));
    }

    /** The prefix shared by the keys of the nodes at {@code depth} below {@code path} (depth > depth(path)). */
    static byte[] descendantPrefix(String path, int depth) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        if (path.length() == 1) {
            return withDepth(depth, utf8);              // "/" already ends with the separator
        }
        byte[] withSlash = Arrays.copyOf(utf8, utf8.length + 1);
        withSlash[utf8.length] = '/';
        return withDepth(depth, withSlash);
    }

    static int depthOfKey(byte[] key) {
        return ((key[0] & 0xFF) << 8) | (key[1] & 0xFF);
    }

    static String pathOfKey(byte[] key) {
        return new String(key, 2, key.length - 2, StandardCharsets.UTF_8);
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix} (an exclusive iterate upper bound),
     * or null when there is none (the prefix is all 0xFF).
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Ephemerals index key: 8-byte big-endian session id, then the UTF-8 path. */
    static byte[] ephemeralKey(long sessionId, String path) {
        checkPath(path);
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[8 + utf8.length];
        putLong(key, 0, sessionId);
        System.arraycopy(utf8, 0, key, 8, utf8.length);
        return key;
    }

    static byte[] longKey(long value) {
        byte[] key = new byte[8];
        putLong(key, 0, value);
        return key;
    }

    static void putLong(byte[] buf, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            buf[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] buf, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[off + i] & 0xFF);
        }
        return v;
    }

    private static byte[] withDepth(int depth, byte[] utf8) {
        byte[] key = new byte[2 + utf8.length];
        key[0] = (byte) (depth >>> 8);
        key[1] = (byte) depth;
        System.arraycopy(utf8, 0, key, 2, utf8.length);
        return key;
    }

    private static void checkPath(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
    }
}
