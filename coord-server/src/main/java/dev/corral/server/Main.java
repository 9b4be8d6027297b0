package dev.corral.server;

import dev.corral.server.config.ConfigException;
import dev.corral.server.config.ServerConfig;
import dev.corral.server.config.ZooCfg;
import dev.corral.server.lifecycle.FatalStop;
import java.nio.file.Path;

/**
 * Entry point of a Corral server process: {@code corral-server [zoo.cfg]}. With no argument, a standalone server
 * on 127.0.0.1:2181 keeps its data under ./data.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = args.length == 0
                    ? ServerConfig.standalone("127.0.0.1", 2181, Path.of("data").toAbsolutePath())
                    : ZooCfg.load(Path.of(args[0]));
        } catch (ConfigException e) {
            System.err.println("corral: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            // A process stops on failures found off the request path too (RocksDB's background errors).
            FatalStop.arm();
            CorralServer server = CorralServer.start(config, true);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "corral-shutdown"));
        } catch (ConfigException e) {
            // Found only when starting: the JAAS login of SASL (a file that cannot be read, a keytab that fails).
            System.err.println("corral: configuration error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("corral: cannot start: " + e);
            System.exit(1);
        }
    }
}
