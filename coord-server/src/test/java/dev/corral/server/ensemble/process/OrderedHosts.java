package dev.corral.server.ensemble.process;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import org.apache.zookeeper.client.HostProvider;

/**
 * A {@link HostProvider} that tries its servers in the given order, round robin (the stock one shuffles), so a test
 * decides which server a client starts on, and can ask which server it connected to last.
 */
final class OrderedHosts implements HostProvider {
    private final List<InetSocketAddress> hosts;
    private int next;
    private volatile InetSocketAddress tried;
    private volatile InetSocketAddress current;

    OrderedHosts(List<InetSocketAddress> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    @Override
    public int size() {
        return hosts.size();
    }

    @Override
    public synchronized InetSocketAddress next(long spinDelay) {
        if (next > 0 && next % hosts.size() == 0 && spinDelay > 0) {
            // Went round every server: pause as the stock provider does.
            try {
                Thread.sleep(Math.min(spinDelay, 200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        InetSocketAddress a = hosts.get(next % hosts.size());
        next++;
        tried = a;
        return a;
    }

    @Override
    public void onConnected() {
        current = tried;
    }

    /** The server of the last established connection, or null. */
    InetSocketAddress current() {
        return current;
    }

    @Override
    public boolean updateServerList(Collection<InetSocketAddress> serverAddresses, InetSocketAddress currentHost) {
        return false;
    }

    @Override
    public String toString() {
        return hosts.toString();
    }
}
