package dev.corral.server.tree;

import java.util.List;
import org.apache.zookeeper.data.Id;

/** Who is asking: the session and the identities it has authenticated as (including its ip). */
public record RequestContext(long sessionId, List<Id> authIds) {
}
