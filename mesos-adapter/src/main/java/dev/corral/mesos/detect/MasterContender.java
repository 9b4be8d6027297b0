package dev.corral.mesos.detect;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.mesos.v1.Protos.MasterInfo;

/**
 * What a Mesos master does to contend for leadership: join the group as {@code json.info_} with its MasterInfo as
 * JSON. It leads while its membership is the lowest; when the membership is lost (session expiry, deletion) a real
 * master commits suicide, and callers of this class are expected to step down likewise.
 */
public final class MasterContender {

    private final ZkGroup group;
    private final MasterInfo info;

    public MasterContender(ZkGroup group, MasterInfo info) {
        this.group = group;
        this.info = info;
    }

    /** Completes with the membership once the znode exists. */
    public CompletableFuture<ZkGroup.Owned> contend() {
        return group.join(MasterInfos.toJson(info).getBytes(StandardCharsets.UTF_8), Optional.of(MasterInfos.JSON_LABEL));
    }

    public MasterInfo info() {
        return info;
    }
}
