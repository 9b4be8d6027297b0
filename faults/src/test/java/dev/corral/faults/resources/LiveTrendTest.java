package dev.corral.faults.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTrendTest {
    @Test
    void readsMntrAndPrometheusFiguresByExactName() {
        String mntr = "zk_version\t3.9.5-corral\nzk_znode_count_extra\t7\nzk_znode_count\t1042\n"
                + "zk_approximate_data_size\t1048576\n";
        assertThat(LiveSample.mntrField(mntr, "znode_count")).isEqualTo(1042);
        assertThat(LiveSample.mntrField(mntr, "approximate_data_size")).isEqualTo(1_048_576);
        assertThat(LiveSample.mntrField(mntr, "watch_count")).isEqualTo(-1);
        assertThat(LiveSample.mntrField("", "znode_count")).isEqualTo(-1);
        String page = "# HELP corral_rocksdb_block_cache_usage_bytes x\n# TYPE corral_rocksdb_block_cache_usage_bytes"
                + " gauge\ncorral_rocksdb_block_cache_usage_bytes_max 1.0\ncorral_rocksdb_block_cache_usage_bytes"
                + " 8388608.0\ncorral_rocksdb_cur_size_all_mem_tables_bytes 2.5E7\n";
        assertThat(LiveSample.metric(page, "corral_rocksdb_block_cache_usage_bytes")).isEqualTo(8_388_608);
        assertThat(LiveSample.metric(page, "corral_rocksdb_cur_size_all_mem_tables_bytes")).isEqualTo(25_000_000);
    }

    @Test
    void growthThatFollowsTheDataIsToldApartFromGrowthAtConstantData() {
        List<LiveSample> followsData = new ArrayList<>();
        List<LiveSample> leak = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {   // an hour, every 5 minutes
            double t = i * 300;
            // 10,000 znodes more every sample and 2 MB of live heap with them
            followsData.add(live(t, "n1", 20_000 + i * 2048L, 1_000 + i * 10_000L));
            // the data stays at 2,000 znodes but the live heap climbs 1 MB every 5 minutes: 12 MB/h
            leak.add(live(t, "n2", 20_000 + i * 1024L, 2_000));
        }
        LiveTrend d = LiveTrend.of("n1", followsData);
        assertThat(d.mbPer10kZnodes()).isCloseTo(2.0, within(0.001));
        assertThat(d.oldSlopeMbPerHour()).isCloseTo(24, within(0.01));
        assertThat(d.line()).contains("znodes 1000 -> 121000, 2.00 MB per 10,000 znodes added");
        LiveTrend l = LiveTrend.of("n2", leak);
        assertThat(l.mbPer10kZnodes()).isNaN();
        assertThat(l.oldSlopeMbPerHour()).isCloseTo(12, within(0.01));
        assertThat(l.firstHeapKb()).isEqualTo(20_000 + 4_000);
        assertThat(l.lastHeapKb()).isEqualTo(20_000 + 12 * 1024L + 4_000);
        assertThat(l.line()).startsWith("n2: 13 live samples in 1 run, live heap 23.4 -> 35.4 MB, live old-gen slope"
                + " +12.0 MB/h; znodes 2000 -> 2000 (no growth to relate it to)");
        assertThat(LiveTrend.of("n3", List.of())).isNull();
    }

    private static LiveSample live(double t, String node, long oldKb, long znodes) {
        return new LiveSample(new Sample(t, node, 200_000, oldKb + 4_000, oldKb, 1), znodes, znodes * 100, 8 << 20,
                1 << 20);
    }
}
