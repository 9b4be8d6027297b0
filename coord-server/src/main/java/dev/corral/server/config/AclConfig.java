package dev.corral.server.config;

import java.util.Map;

/**
 * How a server evaluates ACLs.
 *
 * @param skipAcl {@code skipACL=yes} (zoo.cfg, or the system property {@code zookeeper.skipACL}): every ACL check
 *                passes, as ZooKeeper's ZooKeeperServer.checkACL returns at once; reconfig then needs no super user
 */
public record AclConfig(boolean skipAcl) {
    /** ZooKeeper's default: ACLs are checked. */
    public static final AclConfig CHECKED = new AclConfig(false);

    static final String KEY = "skipACL";

    static AclConfig parse(Map<String, String> values) throws ConfigException {
        String text = values.getOrDefault(KEY, System.getProperty("zookeeper." + KEY, "no"));
        return switch (text) {
            case "yes" -> new AclConfig(true);
            case "no" -> CHECKED;
            // ZooKeeper reads anything but "yes" as no; a typo here would silently keep ACLs on or off.
            default -> throw new ConfigException("invalid value for key '" + KEY + "': '" + text
                    + "' (expected yes or no)");
        };
    }
}
