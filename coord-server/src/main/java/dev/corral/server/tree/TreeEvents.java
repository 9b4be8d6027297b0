package dev.corral.server.tree;

/** Receives the watch-relevant changes an applied txn made, in the order ZooKeeper fires them. */
public interface TreeEvents {
    void nodeCreated(String path, long zxid);

    void nodeDeleted(String path, long zxid);

    void dataChanged(String path, long zxid);

    void childrenChanged(String parentPath, long zxid);

    TreeEvents NONE = new TreeEvents() {
        @Override
        public void nodeCreated(String path, long zxid) {
        }

        @Override
        public void nodeDeleted(String path, long zxid) {
        }

        @Override
        public void dataChanged(String path, long zxid) {
        }

        @Override
        public void childrenChanged(String parentPath, long zxid) {
        }
    };
}
