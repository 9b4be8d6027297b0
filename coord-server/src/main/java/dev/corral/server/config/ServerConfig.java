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
        AdminTlsConfig adminTls,
        PeerRoles peerRoles,
        ReadConsistencyConfig reads,
        ReconfigConfig reconfig,
        AclConfig acl) {

    public static final int DEFAULT_TICK_TIME = 2000;
    public static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;
    /** ZooKeeper's default for globalOutstandingLimit (zookeeper.globalOutstandingLimit). */
    public static final int DEFAULT_GLOBAL_OUTSTANDING_LIMIT = 1000;

    /** A standalone server on {@code address:port} with its data under {@code dataDir} and defaults elsewhere. */
    public static ServerConfig standalone(String address, int port, Path dataDir) {
        return new ServerConfig(DEFAULT_TICK_TIME, dataDir, dataDir, address, port, 60, 2 * DEFAULT_TICK_TIME,
                20 * DEFAULT_TICK_TIME, DEFAULT_JUTE_MAX_BUFFER, false, Set.of("srvr"), null, 10, 5, Map.of(),
                ClientTlsConfig.NONE, MonitoringConfig.OFF, DEFAULT_GLOBAL_OUTSTANDING_LIMIT,
                QuorumTlsConfig.OFF, SaslConfig.NONE, AdminTlsConfig.PLAIN, PeerRoles.NONE,
                ReadConsistencyConfig.DEFAULT, ReconfigConfig.OFF, AclConfig.CHECKED);
    }

    public ServerConfig withSessionTimeouts(int min, int max) {
        return edit(b -> {
            b.minSessionTimeout = min;
            b.maxSessionTimeout = max;
        });
    }

    public ServerConfig withTickTime(int tick) {
        return edit(b -> b.tickTime = tick);
    }

    public ServerConfig withJuteMaxBuffer(int max) {
        return edit(b -> b.juteMaxBuffer = max);
    }

    public ServerConfig withExtendedTypes(boolean enabled) {
        return edit(b -> b.extendedTypesEnabled = enabled);
    }

    public ServerConfig withMaxClientCnxns(int max) {
        return edit(b -> b.maxClientCnxns = max);
    }

    public ServerConfig withFourLetterWords(Set<String> words) {
        return edit(b -> b.fourLetterWords = words);
    }

    public ServerConfig withSuperDigest(String digest) {
        return edit(b -> b.superDigest = digest);
    }

    /** The ensemble: {@code server.N} lines by id, with the initLimit and syncLimit (in ticks) of its members. */
    public ServerConfig withServers(Map<Integer, String> members, int init, int sync) {
        return edit(b -> {
            b.servers = members;
            b.initLimit = init;
            b.syncLimit = sync;
        });
    }

    public ServerConfig withClientPort(String address, int port) {
        return edit(b -> {
            b.clientPortAddress = address;
            b.clientPort = port;
        });
    }

    public ServerConfig withClientTls(ClientTlsConfig tls) {
        return edit(b -> b.clientTls = tls);
    }

    public ServerConfig withMonitoring(MonitoringConfig settings) {
        return edit(b -> b.monitoring = settings);
    }

    public ServerConfig withGlobalOutstandingLimit(int limit) {
        return edit(b -> b.globalOutstandingLimit = limit);
    }

    public ServerConfig withQuorumTls(QuorumTlsConfig settings) {
        return edit(b -> b.quorumTls = settings);
    }

    public ServerConfig withSasl(SaslConfig settings) {
        return edit(b -> b.sasl = settings);
    }

    public ServerConfig withAdminTls(AdminTlsConfig settings) {
        return edit(b -> b.adminTls = settings);
    }

    public ServerConfig withPeerRoles(PeerRoles roles) {
        return edit(b -> b.peerRoles = roles);
    }

    public ServerConfig withReads(ReadConsistencyConfig settings) {
        return edit(b -> b.reads = settings);
    }

    public ServerConfig withReconfig(ReconfigConfig settings) {
        return edit(b -> b.reconfig = settings);
    }

    public ServerConfig withAcl(AclConfig settings) {
        return edit(b -> b.acl = settings);
    }

    /**
     * A copy with {@code change} applied: the one place besides ZooCfg that lists every component, so that a new
     * setting adds a field here and a with-method rather than touching every other with-method.
     */
    private ServerConfig edit(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new ServerConfig(c.tickTime, c.dataDir, c.dataLogDir, c.clientPortAddress, c.clientPort,
                c.maxClientCnxns, c.minSessionTimeout, c.maxSessionTimeout, c.juteMaxBuffer, c.extendedTypesEnabled,
                c.fourLetterWords, c.superDigest, c.initLimit, c.syncLimit, c.servers, c.clientTls, c.monitoring,
                c.globalOutstandingLimit, c.quorumTls, c.sasl, c.adminTls, c.peerRoles, c.reads, c.reconfig,
                c.acl);
    }

    /** The components of a config being edited by {@link #edit}. */
    private static final class Copy {
        int tickTime;
        Path dataDir;
        Path dataLogDir;
        String clientPortAddress;
        int clientPort;
        int maxClientCnxns;
        int minSessionTimeout;
        int maxSessionTimeout;
        int juteMaxBuffer;
        boolean extendedTypesEnabled;
        Set<String> fourLetterWords;
        String superDigest;
        int initLimit;
        int syncLimit;
        Map<Integer, String> servers;
        ClientTlsConfig clientTls;
        MonitoringConfig monitoring;
        int globalOutstandingLimit;
        QuorumTlsConfig quorumTls;
        SaslConfig sasl;
        AdminTlsConfig adminTls;
        PeerRoles peerRoles;
        ReadConsistencyConfig reads;
        ReconfigConfig reconfig;
        AclConfig acl;

        Copy(ServerConfig c) {
            tickTime = c.tickTime;
            dataDir = c.dataDir;
            dataLogDir = c.dataLogDir;
            clientPortAddress = c.clientPortAddress;
            clientPort = c.clientPort;
            maxClientCnxns = c.maxClientCnxns;
            minSessionTimeout = c.minSessionTimeout;
            maxSessionTimeout = c.maxSessionTimeout;
            juteMaxBuffer = c.juteMaxBuffer;
            extendedTypesEnabled = c.extendedTypesEnabled;
            fourLetterWords = c.fourLetterWords;
            superDigest = c.superDigest;
            initLimit = c.initLimit;
            syncLimit = c.syncLimit;
            servers = c.servers;
            clientTls = c.clientTls;
            monitoring = c.monitoring;
            globalOutstandingLimit = c.globalOutstandingLimit;
            quorumTls = c.quorumTls;
            sasl = c.sasl;
            adminTls = c.adminTls;
            peerRoles = c.peerRoles;
            reads = c.reads;
            reconfig = c.reconfig;
            acl = c.acl;
        }
    }
}
