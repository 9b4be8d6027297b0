package dev.corral.server.storage;

/** A failure of the store of record (I/O error, corruption, a store that cannot be opened); unchecked. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
