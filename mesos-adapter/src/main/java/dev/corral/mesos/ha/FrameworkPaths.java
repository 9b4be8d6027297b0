package dev.corral.mesos.ha;

/**
 * Where one framework keeps its HA state, under a root such as {@code /corral-mesos/<framework-name>}. Every node is
 * small: the election and lock nodes hold an address or an id, tasks hold one short record each.
 */
public record FrameworkPaths(String root) {

    public FrameworkPaths {
        if (!root.startsWith("/") || (root.length() > 1 && root.endsWith("/"))) {
            throw new IllegalArgumentException("Bad root path " + root);
        }
    }

    public static FrameworkPaths of(String base, String frameworkName) {
        String b = base.equals("/") ? "" : base.replaceAll("/+$", "");
        return new FrameworkPaths(b + "/" + frameworkName);
    }

    /** Leader election among scheduler instances; each node's data is its instance's address. */
    public String election() {
        return root + "/election";
    }

    /** The fencing token: its znode version is the leader epoch, its data the leader's address. */
    public String epoch() {
        return root + "/epoch";
    }

    public String frameworkId() {
        return root + "/framework-id";
    }

    public String tasks() {
        return root + "/tasks";
    }

    public String task(String taskId) {
        return tasks() + "/" + taskId;
    }

    /** Operator requests (e.g. "kill <task>") waiting for the leader, one sequential znode each. */
    public String requests() {
        return root + "/requests";
    }

    /** The framework's configuration document; its znode version is the document version. */
    public String config() {
        return root + "/config";
    }

    /** Past configuration versions, one child {@code v-%010d} per version, written with it; the newest are kept. */
    public String configHistory() {
        return root + "/config-history";
    }

    /** The lock operators take for actions that must not interleave (e.g. scale, kill, teardown). */
    public String operatorLock() {
        return root + "/locks/operator";
    }
}
