package dev.corral.zab;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Test-only bridge into package-private parts of the core: planted bugs and a view of the in-memory log. */
public final class TestNodes {
    private TestNodes() {}

    /** Names of the planted bugs, for tests in other packages. */
    public static final Set<String> BUGS = Set.of(
            "ACK_BEFORE_PERSIST", "COMMIT_WITHOUT_QUORUM", "SKIP_TRUNC", "ACCEPT_STALE_EPOCH");

    public static ZabNode create(ZabConfig config, DurableState state, Set<String> bugs) {
        EnumSet<PlantedBug> set = EnumSet.noneOf(PlantedBug.class);
        for (String b : bugs) {
            set.add(PlantedBug.valueOf(b));
        }
        return new ZabNode(config, state, set);
    }

    /** The zxids in the node's log, starting with its snapshot base. */
    public static List<Zxid> logZxids(ZabNode node) {
        List<Zxid> out = new ArrayList<>();
        out.add(node.log.base());
        for (long c = node.log.base().counter() + 1; c <= node.log.lastCounter(); c++) {
            out.add(node.log.get(c).zxid());
        }
        return out;
    }

    public static String lastProtocolError(ZabNode node) {
        return node.lastProtocolError;
    }
}
