package dev.corral.mesos.detect;

import java.util.Optional;

/**
 * A {@code zk://[user:pass@]host1:port1,host2:port2/path} URL, parsed exactly as libmesos'
 * {@code zookeeper::URL::parse} does it (src/zookeeper/url.hpp).
 *
 * <p>The quirks are kept on purpose so that a URL given to a Mesos master means the same thing here: the path is
 * everything from the <em>first</em> '/' after the scheme (libmesos peels path segments off from the right until
 * none is left), the credentials are everything before the <em>last</em> '@', and they are used with the ZooKeeper
 * {@code digest} scheme.
 */
public record ZkUrl(Optional<String> credentials, String servers, String path) {

    public static final String SCHEME = "zk://";

    public ZkUrl {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("ZooKeeper URL without servers");
        }
    }

    public static ZkUrl parse(String url) {
        String s = url.trim();
        if (!s.startsWith(SCHEME)) {
            throw new IllegalArgumentException("Expecting 'zk://' at the beginning of the URL: " + url);
        }
        s = s.substring(SCHEME.length());
        int slash = s.indexOf('/');
        String path = slash < 0 ? "/" : s.substring(slash);
        String rest = slash < 0 ? s : s.substring(0, slash);
        int at = rest.lastIndexOf('@');
        Optional<String> credentials = at < 0 ? Optional.empty() : Optional.of(rest.substring(0, at));
        String servers = at < 0 ? rest : rest.substring(at + 1);
        return new ZkUrl(credentials, servers, path);
    }

    /** The group's znode: libmesos' Group strips one trailing '/' from the path. */
    public String znode() {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A URL for a child path, keeping servers and credentials (e.g. the replicated log's {@code /log_replicas}). */
    public ZkUrl child(String name) {
        return new ZkUrl(credentials, servers, znode() + "/" + name);
    }

    @Override
    public String toString() {
        // Never print the password: the URL ends up in logs and in `status` output.
        return SCHEME + credentials.map(c -> c.substring(0, Math.max(0, c.indexOf(':'))) + ":***@").orElse("")
                + servers + path;
    }
}
