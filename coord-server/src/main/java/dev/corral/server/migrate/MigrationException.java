package dev.corral.server.migrate;

import java.io.IOException;
import java.nio.file.Path;

/** A ZooKeeper or Corral data file that cannot be migrated: the message names the file and what is wrong. */
public final class MigrationException extends IOException {
    public MigrationException(Path file, String what) {
        super(file + ": " + what);
    }

    public MigrationException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
