package dev.corral.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/** Reads {@link ReconfigConfig} from zoo.cfg, and the server lines of its {@code dynamicConfigFile}. */
public final class ReconfigCfg {
    public static final Set<String> KEYS = Set.of("reconfigEnabled", "standaloneEnabled", "dynamicConfigFile");
    private static final String DYNAMIC = ".dynamic.";

    private ReconfigCfg() {
    }

    public static ReconfigConfig parse(Map<String, String> values, Path base) throws ConfigException {
        boolean enabled = ZooCfg.bool(values, "reconfigEnabled", false);
        boolean standalone = ZooCfg.bool(values, "standaloneEnabled", true);
        String dynamic = values.get("dynamicConfigFile");
        if (dynamic == null || dynamic.isEmpty()) {
            return new ReconfigConfig(enabled, standalone, null, null, 0);
        }
        Path file = base == null ? Path.of(dynamic) : base.resolve(dynamic);
        String name = file.getFileName().toString();
        long version = 0;
        int at = name.lastIndexOf(DYNAMIC);
        if (at >= 0 && !name.endsWith(".next")) {
            try {
                version = Long.parseUnsignedLong(name.substring(at + DYNAMIC.length()), 16);
            } catch (NumberFormatException e) {
                version = 0; // ZooKeeper too reads a name without a hex suffix as version 0
            }
        }
        return new ReconfigConfig(enabled, standalone, null, file, version);
    }

    /** The {@code server.N} values of the dynamic config file (id to value); empty without one. */
    public static Map<Integer, String> dynamicServers(ReconfigConfig config) throws ConfigException {
        Map<Integer, String> out = new TreeMap<>();
        if (config.dynamicConfigFile() == null) {
            return out;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(config.dynamicConfigFile(), StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new ConfigException("invalid value for key 'dynamicConfigFile': cannot read "
                    + config.dynamicConfigFile() + ": " + e.getMessage());
        }
        for (String key : props.stringPropertyNames()) {
            String k = key.trim();
            if (k.startsWith("server.")) {
                try {
                    out.put(Integer.parseInt(k.substring("server.".length())), props.getProperty(key).trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException("invalid key '" + k + "' in dynamicConfigFile "
                            + config.dynamicConfigFile() + ": the server id must be a number");
                }
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("invalid value for key 'dynamicConfigFile': " + config.dynamicConfigFile()
                    + " has no server.N lines");
        }
        return out;
    }
}
