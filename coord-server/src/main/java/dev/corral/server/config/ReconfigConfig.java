package dev.corral.server.config;

import java.nio.file.Path;

/**
 * Dynamic reconfiguration settings (zoo.cfg keys as ZooKeeper names them).
 *
 * @param enabled           {@code reconfigEnabled} (default false): reconfig requests are refused with
 *                          ReconfigDisabled and {@code /zookeeper/config} keeps version 0
 * @param standaloneEnabled {@code standaloneEnabled} (default true): a reconfig must leave at least two voters
 * @param configFile        the zoo.cfg this config was read from (rewritten to point at the dynamic file), or null
 * @param dynamicConfigFile {@code dynamicConfigFile}: where the server lines were read from, or null
 * @param version           the configuration's version: from the dynamic file's name ({@code .dynamic.<hex>}), else 0
 */
public record ReconfigConfig(boolean enabled, boolean standaloneEnabled, Path configFile, Path dynamicConfigFile,
                             long version) {
    public static final ReconfigConfig OFF = new ReconfigConfig(false, true, null, null, 0);

    public ReconfigConfig withConfigFile(Path file) {
        return new ReconfigConfig(enabled, standaloneEnabled, file, dynamicConfigFile, version);
    }
}
