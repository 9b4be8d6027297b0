package dev.corral.mesos.detect;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.Protos.MasterInfo;

/** A master given as host:port: always "detected"; redirects (307) take the client elsewhere from there. */
public final class StaticMaster implements MasterSource {

    private final MasterInfo info;

    public StaticMaster(HostPort endpoint) {
        this.info = MasterInfos.create("static", endpoint.host(), endpoint.port(), "master@" + endpoint);
    }

    @Override
    public Optional<MasterInfo> current() {
        return Optional.of(info);
    }

    @Override
    public CompletableFuture<Optional<MasterInfo>> detect(Optional<MasterInfo> previous) {
        // The answer never changes; a caller asking again after a failure simply gets the same master back.
        return CompletableFuture.completedFuture(Optional.of(info));
    }

    @Override
    public void close() {}
}
