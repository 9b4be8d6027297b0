package dev.corral.server.it;

import org.apache.zookeeper.ZooKeeper;

/** Test helpers of this package for tests elsewhere. */
public final class ServersAccess {
    private ServersAccess() {
    }

    public static ZooKeeper connect(String connectString, int sessionTimeout) throws Exception {
        return Servers.connect(connectString, sessionTimeout, null);
    }
}
