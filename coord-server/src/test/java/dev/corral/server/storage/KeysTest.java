package dev.corral.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void depthCountsSeparatorsWithRootAtZero() {
        assertThat(Keys.depth("/")).isZero();
        assertThat(Keys.depth("/a")).isEqualTo(1);
        assertThat(Keys.depth("/a/b")).isEqualTo(2);
        assertThat(Keys.depth("/a/b/ccc")).isEqualTo(3);
        assertThatThrownBy(() -> Keys.depth("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keys.depth("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodeKeyIsBigEndianDepthThenUtf8Path() {
        assertThat(Keys.nodeKey("/")).containsExactly(0, 0, '/');
        assertThat(Keys.nodeKey("/a/b")).containsExactly(0, 2, '/', 'a', '/', 'b');
        assertThat(Keys.nodeKey("/é")).containsExactly(0, 1, '/', 0xC3 - 256, 0xA9 - 256);
        assertThat(Keys.pathOfKey(Keys.nodeKey("/x/é"))).isEqualTo("/x/é");
        assertThat(Keys.depthOfKey(Keys.nodeKey("/x/y/z"))).isEqualTo(3);
    }

    @Test
    void childPrefixes() {
        assertThat(Keys.descendantPrefix("/", 1)).containsExactly(0, 1, '/');
        assertThat(Keys.descendantPrefix("/a", 2)).containsExactly(0, 2, '/', 'a', '/');
        assertThat(Keys.descendantPrefix("/a", 3)).containsExactly(0, 3, '/', 'a', '/');
    }

    @Test
    void prefixEndIsTheNextPrefix() {
        assertThat(Keys.prefixEnd(new byte[] {0, 1, '/'})).containsExactly(0, 1, '0');
        assertThat(Keys.prefixEnd(new byte[] {1, (byte) 0xFF, (byte) 0xFF})).containsExactly(2);
        assertThat(Keys.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF})).isNull();
        assertThat(Keys.prefixEnd(new byte[0])).isNull();
    }

    @Test
    void longsAreBigEndian() {
        byte[] k = Keys.longKey(0x0102030405060708L);
        assertThat(k).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(Keys.getLong(Keys.longKey(-2), 0)).isEqualTo(-2);
    }
}
