package dev.corral.faults.campaign;

import dev.corral.faults.cluster.ServerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One campaign run's settings. {@code phase} is each nemesis's phase length (all workloads run together in each
 * phase); within it a fault is injected after {@code warmup}, held for {@code faultFor}, healed, and followed by
 * {@code recoverFor} of calm, repeatedly, as long as a whole fault still fits in the phase. Members' memory is sampled
 * every {@code sample}. With {@code soak}, the nemeses take turns in one phase instead of one phase each. Every
 * {@code liveSample} (zero: never) each member's live set is measured after a forced full collection. With
 * {@code corralLinearizableReads}, Corral members run with {@code corral.linearizableReads=true}.
 */
public record Options(List<String> workloads, List<String> nemeses, Duration phase, long seed, ServerKind server,
        int nodes, Path out, String netPrefix, ServerKind.Jars jars, int tickTime, Duration warmup,
        Duration faultFor, Duration recoverFor, Duration opTimeout, int sessionTimeoutMs, Duration pace,
        Duration settle, Duration sample, boolean soak, Duration liveSample, boolean corralLinearizableReads) {
}
