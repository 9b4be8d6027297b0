package dev.corral.server.storage;

/** A failure of the store of record (I/O error, corruption, a store that cannot be opened); unchecked. */
public class StoreException extends dev.corral.server.tree.StoreFailure {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message, null);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
