package dev.corral.server.tree;

/**
 * The store of record failed (I/O error, corruption). Unlike a bug in handling one request, this leaves the server
 * unable to answer truthfully, so it stops.
 */
public class StoreFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
