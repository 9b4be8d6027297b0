package dev.corral.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a zoo.cfg file (the keys Apache ZooKeeper reads) into a validated {@link ServerConfig}. */
public final class ZooCfg {
    private static final Logger LOG = LoggerFactory.getLogger(ZooCfg.class);

    /** ZooKeeper keys Corral accepts without acting on them (no warning). */
    private static final Set<String> ACCEPTED_IGNORED = Set.of(
            "autopurge.snapRetainCount", "autopurge.purgeInterval",
            "preAllocSize", "snapCount",
            "forceSync", "syncEnabled", "quorumListenOnAllIPs",
            "electionAlg", "leaderServes", "cnxTimeout", "maxCnxns",
            "localSessionsEnabled", "localSessionsUpgradingEnabled", "clientPortListenBacklog",
            "connectToLearnerMasterLimit");

    private static final Set<String> KNOWN = Set.of(
            "tickTime", "dataDir", "dataLogDir", "clientPort", "clientPortAddress", "maxClientCnxns",
            "minSessionTimeout", "maxSessionTimeout", "jute.maxbuffer", "extendedTypesEnabled",
            "4lw.commands.whitelist", "initLimit", "syncLimit", "globalOutstandingLimit",
            "DigestAuthenticationProvider.superDigest", "zookeeper.DigestAuthenticationProvider.superDigest",
            "peerType");

    private ZooCfg() {
    }

    public static ServerConfig load(Path file) throws ConfigException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        ServerConfig config = parse(props, file.toAbsolutePath().getParent());
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return config.withMonitoring(config.monitoring().withAdminData(
                    config.monitoring().adminData().withInitialConfig(text)))
                    .withReconfig(config.reconfig().withConfigFile(file.toAbsolutePath()));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Validates {@code props}; relative directories resolve against {@code base}. */
    public static ServerConfig parse(Properties props, Path base) throws ConfigException {
        Map<String, String> values = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            values.put(key.trim(), props.getProperty(key).trim());
        }
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key) && !ACCEPTED_IGNORED.contains(key) && !ClientTlsCfg.isKey(key, values.get(key))
                    && !MonitoringConfig.KEYS.contains(key) && !QuorumTlsCfg.isKey(key)
                    && !SaslCfg.isKey(key, values.get(key)) && !AdminTlsCfg.KEYS.contains(key)
                    && !ReconfigCfg.KEYS.contains(key)
                    && !ReadConsistencyConfig.KEY.equals(key) && !AclConfig.KEY.equals(key)
                    && !key.startsWith("server.")
                    && !key.startsWith("group.") && !key.startsWith("weight.")) {
                LOG.warn("zoo.cfg: unknown key '{}' ignored", key);
            }
        }
        int tickTime = positiveInt(values, "tickTime", ServerConfig.DEFAULT_TICK_TIME);
        String dataDirText = values.get("dataDir");
        if (dataDirText == null || dataDirText.isEmpty()) {
            throw new ConfigException("dataDir is not set: zoo.cfg must name a data directory (key 'dataDir')");
        }
        Path dataDir = base == null ? Path.of(dataDirText) : base.resolve(dataDirText);
        Path dataLogDir = values.containsKey("dataLogDir") ? resolve(base, values.get("dataLogDir")) : dataDir;
        // With only secureClientPort set there is no plain port, as in ZooKeeper.
        int clientPort = values.containsKey("secureClientPort") && !values.containsKey("clientPort") ? -1
                : intIn(values, "clientPort", 2181, 0, 65535);
        String clientPortAddress = values.get("clientPortAddress");
        int maxClientCnxns = intIn(values, "maxClientCnxns", 60, 0, Integer.MAX_VALUE);
        int minSession = positiveInt(values, "minSessionTimeout", 2 * tickTime);
        int maxSession = positiveInt(values, "maxSessionTimeout", 20 * tickTime);
        if (minSession > maxSession) {
            throw new ConfigException("minSessionTimeout (" + minSession + ") must not be larger than "
                    + "maxSessionTimeout (" + maxSession + ")");
        }
        String juteSysProp = System.getProperty("jute.maxbuffer");
        int juteMax = values.containsKey("jute.maxbuffer")
                ? positiveInt(values, "jute.maxbuffer", ServerConfig.DEFAULT_JUTE_MAX_BUFFER)
                : juteSysProp != null ? parseSystemJute(juteSysProp) : ServerConfig.DEFAULT_JUTE_MAX_BUFFER;
        boolean extended = bool(values, "extendedTypesEnabled",
                Boolean.parseBoolean(System.getProperty("zookeeper.extendedTypesEnabled", "false")));
        Set<String> words = fourLetterWords(values.getOrDefault("4lw.commands.whitelist",
                System.getProperty("zookeeper.4lw.commands.whitelist", "srvr")));
        String superDigest = values.getOrDefault("DigestAuthenticationProvider.superDigest",
                values.getOrDefault("zookeeper.DigestAuthenticationProvider.superDigest",
                        System.getProperty("zookeeper.DigestAuthenticationProvider.superDigest")));
        int initLimit = positiveInt(values, "initLimit", 10);
        int outstandingLimit = positiveInt(values, "globalOutstandingLimit",
                Integer.getInteger("zookeeper.globalOutstandingLimit", ServerConfig.DEFAULT_GLOBAL_OUTSTANDING_LIMIT));
        int syncLimit = positiveInt(values, "syncLimit", 5);
        Map<Integer, String> servers = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith("server.")) {
                String id = e.getKey().substring("server.".length());
                try {
                    servers.put(Integer.parseInt(id), e.getValue());
                } catch (NumberFormatException ex) {
                    throw new ConfigException("invalid key '" + e.getKey() + "': the server id must be a number");
                }
            }
        }
        ReconfigConfig reconfig = ReconfigCfg.parse(values, base);
        // As in ZooKeeper, a dynamic config file holds the membership (a zoo.cfg it rewrote has no server lines).
        servers.putAll(ReconfigCfg.dynamicServers(reconfig));
        PeerRoles roles = PeerRolesCfg.parse(values, servers);
        ServerSpec.parseAll(servers); // a line that /zookeeper/config could not show stops start-up here
        ClientTlsConfig tls = ClientTlsCfg.parse(values);
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSession, maxSession, juteMax, extended, words, superDigest, initLimit, syncLimit, servers,
                tls, MonitoringConfig.parse(values), outstandingLimit, QuorumTlsCfg.parse(values),
                SaslCfg.parse(values, tls.x509Enabled()), AdminTlsCfg.parse(values),
                roles, ReadConsistencyConfig.parse(values), reconfig, AclConfig.parse(values));
    }

    private static Path resolve(Path base, String dir) {
        return base == null ? Path.of(dir) : base.resolve(dir);
    }

    private static int parseSystemJute(String text) throws ConfigException {
        try {
            int v = Integer.decode(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ConfigException("invalid value for system property 'jute.maxbuffer': '" + text
                + "' (expected a positive integer)");
    }

    private static Set<String> fourLetterWords(String list) {
        Set<String> words = new LinkedHashSet<>();
        for (String w : list.split(",")) {
            String t = w.trim();
            if (!t.isEmpty()) {
                words.add(t);
            }
        }
        return words.contains("*") ? new HashSet<>(Arrays.asList("*")) : words;
    }

    private static int positiveInt(Map<String, String> values, String key, int dflt) throws ConfigException {
        return intIn(values, key, dflt, 1, Integer.MAX_VALUE);
    }

    private static int intIn(Map<String, String> values, String key, int dflt, int min, int max)
            throws ConfigException {
        String text = values.get(key);
        if (text == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(text);
            if (v < min || v > max) {
                throw new ConfigException("invalid value for key '" + key + "': " + text + " (expected " + min
                        + ".." + max + ")");
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected an integer)");
        }
    }

    /** A true/false key (either case), {@code dflt} when absent; anything else stops start-up naming the key. */
    static boolean bool(Map<String, String> values, String key, boolean dflt) throws ConfigException {
        String text = values.get(key);
        if (text == null) {
            return dflt;
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException("invalid value for key '" + key + "': '" + text + "' (expected true or false)");
    }
}
