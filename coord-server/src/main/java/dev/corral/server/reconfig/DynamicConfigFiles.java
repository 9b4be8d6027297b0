package dev.corral.server.reconfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The files ZooKeeper keeps beside zoo.cfg once reconfiguration is on: {@code zoo.cfg.bak} (the static file as it was
 * at start-up), {@code zoo.cfg.dynamic.<hex version>} (the server lines, sorted, no version line), and zoo.cfg itself
 * rewritten without its membership keys and with {@code dynamicConfigFile=} naming the dynamic file.
 */
public final class DynamicConfigFiles {
    private DynamicConfigFiles() {
    }

    /** Copies zoo.cfg to zoo.cfg.bak, as ZooKeeper does at each start of a reconfig-enabled static ensemble. */
    public static void backup(Path configFile) throws IOException {
        Path bak = configFile.resolveSibling(configFile.getFileName() + ".bak");
        replace(bak, Files.readString(configFile, StandardCharsets.UTF_8));
    }

    /** Writes {@code config}'s dynamic file and points zoo.cfg at it; returns the dynamic file. */
    public static Path publish(Path configFile, ClusterConfig config) throws IOException {
        Path dynamic = configFile.resolveSibling(configFile.getFileName() + ".dynamic."
                + Long.toHexString(config.version()));
        List<String> lines = new ArrayList<>(List.of(config.serverLines().split("\n")));
        Collections.sort(lines); // ZooKeeper sorts the lines as strings
        replace(dynamic, String.join("\n", lines));
        StringBuilder kept = new StringBuilder();
        for (Map.Entry<String, String> e : keysInOrder(configFile).entrySet()) {
            String key = e.getKey();
            if (key.startsWith("server.") || key.startsWith("group") || key.startsWith("weight")
                    || key.startsWith("dynamicConfigFile") || key.startsWith("peerType")) {
                continue; // the membership now lives in the dynamic file
            }
            kept.append(key).append('=').append(e.getValue()).append('\n');
        }
        kept.append("dynamicConfigFile=").append(dynamic.toFile().getCanonicalPath()).append('\n');
        replace(configFile, kept.toString());
        return dynamic;
    }

    private static Map<String, String> keysInOrder(Path file) throws IOException {
        Map<String, String> ordered = new LinkedHashMap<>();
        Properties props = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                ordered.put(key.toString().trim(), value.toString().trim());
                return super.put(key, value);
            }
        };
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        return ordered;
    }

    /** Writes {@code text} to a temporary file beside {@code target}, then moves it over atomically. */
    private static void replace(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
