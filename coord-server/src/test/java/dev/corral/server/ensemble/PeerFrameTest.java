package dev.corral.server.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.Test;

class PeerFrameTest {
    private static final PeerFrame.Forward FORWARD = new PeerFrame.Forward(2, 0x1234_5678_9abcL, 17, 1,
            List.of(new Id("digest", "bob:h\u00e9=="), new Id("super", "")), new byte[] {1, 2, 3, 4});
    private static final PeerFrame.Connect CONNECT = new PeerFrame.Connect(3, 99, 30_000);
    private static final PeerFrame.Touch TOUCH = new PeerFrame.Touch(List.of(1L, -2L, Long.MAX_VALUE));

    private static List<PeerFrame> samples() {
        return List.of(FORWARD, CONNECT, TOUCH, new PeerFrame.Batch(List.of(CONNECT, FORWARD, TOUCH, FORWARD)),
                new PeerFrame.Batch(List.of()));
    }

    @Test
    void everyFrameRoundTrips() throws IOException {
        for (PeerFrame frame : samples()) {
            PeerFrame back = PeerFrame.decode(PeerFrame.encode(frame));
            assertThat(PeerFrame.encode(back)).isEqualTo(PeerFrame.encode(frame));
        }
        PeerFrame.Batch batch = (PeerFrame.Batch) PeerFrame.decode(PeerFrame.encode(samples().get(3)));
        assertThat(batch.frames()).hasSize(4);
        PeerFrame.Forward f = (PeerFrame.Forward) batch.frames().get(1);
        assertThat(f.authIds()).isEqualTo(FORWARD.authIds());
        assertThat(f.body()).containsExactly(1, 2, 3, 4);
        assertThat(f.sessionId()).isEqualTo(FORWARD.sessionId());
        assertThat(batch.frames().get(0)).isEqualTo(CONNECT);
    }

    @Test
    void corruptFramesAreIoErrorsNeverAnotherException() {
        Random random = new Random(11);
        for (PeerFrame frame : samples()) {
            byte[] good = PeerFrame.encode(frame);
            for (int i = 0; i < 300; i++) {
                byte[] bad = random.nextBoolean() ? Arrays.copyOf(good, random.nextInt(good.length + 1)) : good.clone();
                if (bad.length > 0) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
                }
                try {
                    PeerFrame.decode(bad);
                } catch (IOException expected) {
                    // rejected
                }
            }
        }
        byte[] nested = PeerFrame.encode(new PeerFrame.Batch(List.of(new PeerFrame.Batch(List.of()))));
        assertThatThrownBy(() -> PeerFrame.decode(nested)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> PeerFrame.decode(new byte[] {9})).isInstanceOf(IOException.class);
    }
}
