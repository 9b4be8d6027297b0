package dev.corral.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** getChildren measures its names without encoding them; the count must equal what the encoder writes. */
class Utf8LengthTest {

    @Test
    void equalsTheEncodersLengthForEveryKindOfChar() {
        String[] samples = {"", "plain", "é", "日本", "😀", "a😀b", "\uD83D", "x\uDE00y", "\uDE00\uD83D", "ﬀ\u07FF\u0800"};
        for (String s : samples) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Reads.utf8Length(s), () -> "for " + escape(s));
        }
    }

    @Test
    void equalsTheEncodersLengthOnRandomStrings() {
        Random random = new Random(42);
        char[] pool = {'a', 'z', '/', '\u007F', '\u0080', '\u07FF', '\u0800', '\uFFFF', '\uD800', '\uDBFF', '\uDC00',
                '\uDFFF', '\u00E9', '\u65E5'};
        for (int round = 0; round < 20_000; round++) {
            char[] chars = new char[random.nextInt(12)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = pool[random.nextInt(pool.length)];
            }
            String s = new String(chars);
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Reads.utf8Length(s), () -> "for " + escape(s));
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(String.format("\\u%04X", c)));
        return b.toString();
    }
}
