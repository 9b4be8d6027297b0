package dev.corral.server.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A server's settings, read from zoo.cfg keys; every field is validated by {@link ZooCfg}. {@code clientPort} is -1
 * when zoo.cfg sets only secureClientPort (no plain port).
 */
public record ServerConfig(
        int tickTime,
        Path dataDir,
        Path dataLogDir,
        String clientPortAddress,
        int clientPort,
        int maxClientCnxns,
        int minSessionTimeout,
        int maxSessionTimeout,
        int juteMaxBuffer,
        boolean extendedTypesEnabled,
        Set<String> fourLetterWords,
        String superDigest,
        int initLimit,
        int syncLimit,
        Map<Integer, String> servers,
        ClientTlsConfig clientTls,
        MonitoringConfig monitoring,
        int globalOutstandingLimit,
        QuorumTlsConfig quorumTls,
        SaslConfig sasl,
        AdminTlsConfig adminTls) {

    public static final int DEFAULT_TICK_TIME = 2000;
    public static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;
    /** ZooKeeper's default for globalOutstandingLimit (zookeeper.globalOutstandingLimit). */
    public static final int DEFAULT_GLOBAL_OUTSTANDING_LIMIT = 1000;

    /** A standalone server on {@code address:port} with its data under {@code dataDir} and defaults elsewhere. */
    public static ServerConfig standalone(String address, int port, Path dataDir) {
        return new ServerConfig(DEFAULT_TICK_TIME, dataDir, dataDir, address, port, 60, 2 * DEFAULT_TICK_TIME,
                20 * DEFAULT_TICK_TIME, DEFAULT_JUTE_MAX_BUFFER, false, Set.of("srvr"), null, 10, 5, Map.of(),
                ClientTlsConfig.NONE, MonitoringConfig.OFF, DEFAULT_GLOBAL_OUTSTANDING_LIMIT,
                QuorumTlsConfig.OFF, SaslConfig.NONE, AdminTlsConfig.PLAIN);
    }

    public ServerConfig withSessionTimeouts(int min, int max) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns, min, max,
                juteMaxBuffer, extendedTypesEnabled, fourLetterWords, superDigest, initLimit, syncLimit, servers,
                clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withTickTime(int tick) {
        return new ServerConfig(tick, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords, superDigest,
                initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withJuteMaxBuffer(int max) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, max, extendedTypesEnabled, fourLetterWords, superDigest,
                initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withExtendedTypes(boolean enabled) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, enabled, fourLetterWords, superDigest,
                initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withMaxClientCnxns(int max) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, max,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withClientTls(ClientTlsConfig tls) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, tls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withMonitoring(MonitoringConfig settings) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, settings, globalOutstandingLimit, quorumTls,
                sasl, adminTls);
    }

    public ServerConfig withGlobalOutstandingLimit(int limit) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, monitoring, limit, quorumTls, sasl, adminTls);
    }

    public ServerConfig withQuorumTls(QuorumTlsConfig settings) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, settings,
                sasl, adminTls);
    }

    public ServerConfig withSasl(SaslConfig settings) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                settings, adminTls);
    }

    public ServerConfig withAdminTls(AdminTlsConfig settings) {
        return new ServerConfig(tickTime, dataDir, dataLogDir, clientPortAddress, clientPort, maxClientCnxns,
                minSessionTimeout, maxSessionTimeout, juteMaxBuffer, extendedTypesEnabled, fourLetterWords,
                superDigest, initLimit, syncLimit, servers, clientTls, monitoring, globalOutstandingLimit, quorumTls,
                sasl, settings);
    }
}
