package dev.corral.server.ensemble;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code myid} file in dataDir that tells a member of an ensemble which {@code server.N} it is. */
public final class MyId {
    private MyId() {
    }

    public static int read(ServerConfig config) throws ConfigException {
        Path file = config.dataDir().resolve("myid");
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (IOException e) {
            throw new ConfigException("server.N entries are set but " + file + " cannot be read: " + e.getMessage());
        }
        int id;
        try {
            id = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException("myid file " + file + " must hold a server id, not '" + text + "'");
        }
        if (!config.servers().containsKey(id)) {
            throw new ConfigException("myid " + id + " has no server." + id + " entry in the config");
        }
        return id;
    }
}
