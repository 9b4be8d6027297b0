package dev.corral.mesos.ha;

import dev.corral.mesos.detect.ZkUrl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Opens the Curator client the HA kit runs on, from a {@code zk://[user:pass@]servers/root} URL. */
public final class Coordination {

    private Coordination() {}

    /**
     * The error policy is the point: with {@link SessionConnectionStateErrorPolicy} a SUSPENDED connection is not an
     * error (recipes keep leadership and locks), and only LOST is — which Curator reports when the session expires
     * or when the connection has been suspended for a whole session timeout. That is "tolerate SUSPENDED up to the
     * session timeout, abdicate on session loss".
     */
    public static CuratorFramework connect(ZkUrl url, Duration sessionTimeout) throws InterruptedException {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(url.servers())
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(sessionTimeout.toMillis(), 15_000))
                .retryPolicy(new ExponentialBackoffRetry(100, 8, 2_000))
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy());
        url.credentials().ifPresent(c -> b.authorization("digest", c.getBytes(StandardCharsets.UTF_8)));
        CuratorFramework client = b.build();
        client.start();
        if (!client.blockUntilConnected((int) Math.max(10_000, sessionTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
            client.close();
            throw new IllegalStateException("Cannot connect to ZooKeeper at " + url);
        }
        return client;
    }
}
