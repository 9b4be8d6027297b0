package dev.corral.server.tree;

/** ZooKeeper's path rules (PathUtils.validatePath): what a znode path may look like. */
public final class PathValidator {
    private PathValidator() {
    }

    /** True if {@code path} is a legal znode path. */
    public static boolean isValid(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        int n = path.length();
        if (n == 1) {
            return true;
        }
        if (path.charAt(n - 1) == '/') {
            return false;
        }
        char last = '/';
        for (int i = 1; i < n; last = path.charAt(i), i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return false;
            } else if (c == '/' && last == '/') {
                return false;
            } else if (c == '.' && last == '.') {
                if (path.charAt(i - 2) == '/' && (i + 1 == n || path.charAt(i + 1) == '/')) {
                    return false;
                }
            } else if (c == '.') {
                if (path.charAt(i - 1) == '/' && (i + 1 == n || path.charAt(i + 1) == '/')) {
                    return false;
                }
            } else if (c > '\u0000' && c <= '\u001f' || c >= '\u007f' && c <= '\u009F'
                    || c >= '\ud800' && c <= '\uf8ff' || c >= '\ufff0') {
                return false;
            }
        }
        return true;
    }

    /**
     * The parent of {@code path} as ZooKeeper computes it (everything before the last slash, with "" meaning the
     * root), normalised to "/" for the root; null if the path has no slash.
     */
    public static String parentOf(String path) {
        int lastSlash = path.lastIndexOf('/');
        if (lastSlash < 0) {
            return null;
        }
        return lastSlash == 0 ? "/" : path.substring(0, lastSlash);
    }

    /** The last path component. */
    public static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public static String join(String parent, String name) {
        return "/".equals(parent) ? "/" + name : parent + "/" + name;
    }
}
