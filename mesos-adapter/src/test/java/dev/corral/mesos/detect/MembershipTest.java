package dev.corral.mesos.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.junit.jupiter.api.Test;

class MembershipTest {

    @Test
    void childNamesParseAsLibmesosGroupCacheDoes() {
        assertThat(Membership.parse("json.info_0000000007")).contains(new Membership(7, Optional.of("json.info")));
        assertThat(Membership.parse("info_0000000002")).contains(new Membership(2, Optional.of("info")));
        assertThat(Membership.parse("0000000003")).contains(new Membership(3, Optional.empty()));
        // The replicated log's group lives beside the masters and is not a member.
        assertThat(Membership.parse("log_replicas")).isEmpty();
        assertThat(Membership.parse("foo")).isEmpty();
        assertThat(Membership.parse("json.info_99999999999")).isEmpty(); // not an int32
    }

    @Test
    void orderIsBySequenceAndNamesRoundTrip() {
        Membership a = new Membership(3, Optional.of("json.info"));
        Membership b = new Membership(12, Optional.empty());
        assertThat(a).isLessThan(b);
        assertThat(a.znodeName()).isEqualTo("json.info_0000000003");
        assertThat(b.znodeName()).isEqualTo("0000000012");
    }

    @Test
    void masterInfoJsonUsesProtoFieldNamesAndLibprocessIpOrder() throws Exception {
        MasterInfo info = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
        String json = MasterInfos.toJson(info);
        assertThat(json).contains("\"hostname\":\"127.0.0.1\"").contains("\"pid\":\"master@127.0.0.1:5050\"")
                .contains("\"ip\":16777343"); // 127.0.0.1 as in_addr.s_addr read little-endian
        assertThat(MasterInfos.fromJson(json)).isEqualTo(info);
        assertThat(MasterInfos.uint32ToIp(info.getIp())).isEqualTo("127.0.0.1");
        assertThat(MasterInfos.endpoint(info)).isEqualTo(new HostPort("127.0.0.1", 5050));
    }

    @Test
    void decodesTheThreeFormatsByLabel() throws Exception {
        MasterInfo info = MasterInfos.create("m1", "127.0.0.1", 5050, "master@127.0.0.1:5050");
        assertThat(MasterInfos.decode(Optional.of("info"), info.toByteArray())).isEqualTo(info);
        assertThat(MasterInfos.decode(Optional.of("json.info"), MasterInfos.toJson(info).getBytes())).isEqualTo(info);
        MasterInfo old = MasterInfos.decode(Optional.empty(), "master@10.1.2.3:5051".getBytes());
        assertThat(MasterInfos.endpoint(old)).isEqualTo(new HostPort("10.1.2.3", 5051));
    }
}
