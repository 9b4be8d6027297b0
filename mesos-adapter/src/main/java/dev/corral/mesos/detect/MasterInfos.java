package dev.corral.mesos.detect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.MasterInfo;

/**
 * MasterInfo as Mesos puts it in ZooKeeper, and the HTTP endpoint a framework reaches it at.
 *
 * <p>{@code json.info_} nodes hold the MasterInfo as JSON with the proto field names (stout's {@code JSON::protobuf});
 * {@code info_} nodes hold it as binary protobuf (deprecated since Mesos 0.24); unlabelled nodes hold a bare UPID
 * ({@code master@ip:port}). The v1 and v0 MasterInfo messages have the same fields and numbers, so the v1 class is used.
 */
public final class MasterInfos {

    public static final String JSON_LABEL = "json.info";
    public static final String BINARY_LABEL = "info";

    private MasterInfos() {}

    public static String toJson(MasterInfo info) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(info);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e); // Only for Any types, which MasterInfo has none of.
        }
    }

    public static MasterInfo fromJson(String json) throws InvalidProtocolBufferException {
        MasterInfo.Builder b = MasterInfo.newBuilder();
        // Newer masters may add fields; stout's parser ignores unknown ones too.
        JsonFormat.parser().ignoringUnknownFields().merge(json, b);
        if (!b.isInitialized()) {
            throw new InvalidProtocolBufferException("MasterInfo JSON lacks required fields: "
                    + b.findInitializationErrors());
        }
        return b.build();
    }

    /** Decodes a leading member's data according to its label, as the ZooKeeper master detector does. */
    public static MasterInfo decode(Optional<String> label, byte[] data) throws InvalidProtocolBufferException {
        if (label.isEmpty()) {
            return fromUpid(new String(data, StandardCharsets.UTF_8).trim());
        }
        return switch (label.get()) {
            case BINARY_LABEL -> MasterInfo.parseFrom(data);
            case JSON_LABEL -> fromJson(new String(data, StandardCharsets.UTF_8));
            default -> throw new InvalidProtocolBufferException("Failed to parse data of unknown label '" + label.get() + "'");
        };
    }

    /** libmesos' {@code createMasterInfo(UPID)} for the old format: {@code id@host:port}. */
    public static MasterInfo fromUpid(String upid) throws InvalidProtocolBufferException {
        int at = upid.indexOf('@');
        int colon = upid.lastIndexOf(':');
        if (at < 0 || colon < at) {
            throw new InvalidProtocolBufferException("Not a UPID: " + upid);
        }
        String host = upid.substring(at + 1, colon);
        int port = Integer.parseInt(upid.substring(colon + 1));
        return create(upid, host, port, upid);
    }

    /** A MasterInfo like the one a master at host:port writes (used by the test master). */
    public static MasterInfo create(String id, String host, int port, String pid) {
        int ip;
        try {
            ip = ipToUint32(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            ip = 0;
        }
        return MasterInfo.newBuilder()
                .setId(id)
                .setIp(ip)
                .setPort(port)
                .setPid(pid)
                .setHostname(host)
                .setAddress(Address.newBuilder().setHostname(host).setIp(host).setPort(port))
                .build();
    }

    /**
     * MasterInfo.ip is the IPv4 address in network byte order read as a host (little-endian) uint32, the way
     * libprocess stores {@code in_addr.s_addr}: 127.0.0.1 is 0x0100007F.
     */
    public static int ipToUint32(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 4) {
            return 0;
        }
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    public static String uint32ToIp(int ip) {
        return (ip & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 24 & 0xff);
    }

    /** Where to send HTTP API calls: address.ip, else address.hostname, else the pid's host, else the ip field. */
    public static HostPort endpoint(MasterInfo info) {
        if (info.hasAddress()) {
            Address a = info.getAddress();
            String host = a.hasIp() && !a.getIp().isEmpty() ? a.getIp() : a.getHostname();
            if (!host.isEmpty()) {
                return new HostPort(host, a.getPort());
            }
        }
        if (info.hasPid() && info.getPid().contains("@")) {
            String hostPort = info.getPid().substring(info.getPid().indexOf('@') + 1);
            return HostPort.parse(hostPort);
        }
        return new HostPort(uint32ToIp(info.getIp()), info.getPort());
    }
}
