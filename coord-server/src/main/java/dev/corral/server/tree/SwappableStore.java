package dev.corral.server.tree;

/**
 * A store whose whole contents can be swapped for a tree built beside it (the AdminServer's restore): the new tree
 * is written into a staging store off the processor thread, and only the swap itself happens between requests.
 */
public interface SwappableStore extends ZnodeStore {
    /** A new, empty store beside this one (any earlier staging store is dropped first). */
    ZnodeStore openStaging();

    /** Closes {@code staging} and makes its contents this store's; the staging copy is removed. */
    void installStaging(ZnodeStore staging);

    /** Closes and removes {@code staging} without installing it (a failed load). */
    void discardStaging(ZnodeStore staging);
}
