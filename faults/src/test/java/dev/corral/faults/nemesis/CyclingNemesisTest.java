package dev.corral.faults.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.faults.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CyclingNemesisTest {
    /** Records what it is asked to do; the cluster is never touched. */
    private record Fake(String name, List<String> calls) implements Nemesis {
        @Override
        public String inject(Cluster cluster, Random random) {
            calls.add("inject " + name);
            return name + " injected";
        }

        @Override
        public String heal(Cluster cluster) {
            calls.add("heal " + name);
            return name + " healed";
        }
    }

    @Test
    void theNemesesTakeTurnsAndEachHealHealsTheOneInPlace() {
        List<String> calls = new ArrayList<>();
        Nemesis soak = new CyclingNemesis(List.of(new Fake("a", calls), new Fake("b", calls)));
        assertThat(soak.name()).isEqualTo("soak");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.add(soak.inject(null, new Random(1)));
            lines.add(soak.heal(null));
        }
        assertThat(lines).containsExactly("[a] a injected", "[a] a healed", "[b] b injected", "[b] b healed",
                "[a] a injected", "[a] a healed");
        calls.clear();
        soak.heal(null);   // the final heal, with nothing in place: every one of them, to be sure
        assertThat(calls).containsExactly("heal a", "heal b");
    }

    @Test
    void overloadIsANemesisByName() {
        assertThat(Nemeses.NAMES).contains("overload");
        assertThat(Nemeses.of("overload")).isInstanceOf(OverloadNemesis.class);
        OverloadNemesis o = (OverloadNemesis) Nemeses.of("overload");
        assertThat(o.heal(null)).isNull();
        assertThat(o.inject(null, new Random(1))).startsWith("overload on");
        assertThat(o.loadSwitch().on()).isTrue();
        assertThat(o.heal(null)).startsWith("overload off");
        assertThat(o.loadSwitch().on()).isFalse();
        assertThat(Nemeses.cycle(List.of("kill", "pause")).name()).isEqualTo("soak");
    }
}
