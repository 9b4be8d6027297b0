package dev.corral.server.tree;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceSuffixTest {
    @Test
    void formatsAsZooKeeperDoesWithPercent010d() {
        for (int seq : new int[] {0, 7, 42, 999_999_999, 1_000_000_000, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            assertThat(TxnPreparer.sequenceSuffix(seq)).as("seq %d", seq).isEqualTo(String.format("%010d", seq));
        }
    }
}
