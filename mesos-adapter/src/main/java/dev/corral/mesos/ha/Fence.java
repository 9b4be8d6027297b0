package dev.corral.mesos.ha;

import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

/**
 * The fencing token of one leadership term: the version the epoch znode had right after this leader bumped it. Every
 * state write goes out as a multi whose first op checks that version, so once a newer leader bumps the epoch every
 * write of the deposed one fails atomically, whatever it believes about itself.
 */
public record Fence(String epochPath, int epoch, String leaderId) {

    /** Runs {@code ops} atomically behind the epoch check. */
    public List<CuratorTransactionResult> write(CuratorFramework client, CuratorOp... ops) throws FencedException, KeeperException {
        List<CuratorOp> all = new ArrayList<>(ops.length + 1);
        try {
            all.add(client.transactionOp().check().withVersion(epoch).forPath(epochPath));
            all.addAll(List.of(ops));
            return client.transaction().forOperations(all);
        } catch (KeeperException e) {
            List<OpResult> results = e.getResults();
            if (results != null && !results.isEmpty() && results.get(0) instanceof OpResult.ErrorResult err
                    && err.getErr() != KeeperException.Code.OK.intValue()) {
                throw new FencedException("Deposed: epoch " + epochPath + " is no longer at version " + epoch
                        + " (" + KeeperException.Code.get(err.getErr()) + ")");
            }
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Curator declares Exception; anything else here is a connection problem the caller may retry.
            throw new IllegalStateException("State write failed: " + e, e);
        }
    }
}
