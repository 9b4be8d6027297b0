package dev.corral.server.tree;

import java.util.Set;

/** The nodes ZooKeeper keeps for itself; clients cannot delete them. */
public final class SpecialPaths {
    public static final String ZOOKEEPER = "/zookeeper";
    public static final String QUOTA = "/zookeeper/quota";
    public static final String CONFIG = "/zookeeper/config";
    private static final Set<String> UNDELETABLE = Set.of("/", ZOOKEEPER, QUOTA, CONFIG);

    private SpecialPaths() {
    }

    public static boolean isSpecial(String path) {
        return UNDELETABLE.contains(path);
    }
}
