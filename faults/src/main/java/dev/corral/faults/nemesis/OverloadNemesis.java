package dev.corral.faults.nemesis;

import dev.corral.faults.cluster.Cluster;
import dev.corral.faults.workload.LoadSwitch;
import java.util.Random;

/**
 * Overload as a fault: injecting turns the flood workload's switch on (it measures what the ensemble serves, then
 * offers ten times that, open loop); healing turns it off (back to its paced closed loop). The flood workload writes
 * the figures to the nemesis log.
 */
public final class OverloadNemesis implements Nemesis {
    private final LoadSwitch loadSwitch = new LoadSwitch();

    @Override
    public String name() {
        return "overload";
    }

    public LoadSwitch loadSwitch() {
        return loadSwitch;
    }

    @Override
    public String inject(Cluster cluster, Random random) {
        loadSwitch.turnOn();
        return "overload on: flood measures capacity for " + LoadSwitch.MEASURE.toSeconds() + " s, then offers "
                + LoadSwitch.FACTOR + "x, open loop";
    }

    @Override
    public String heal(Cluster cluster) {
        if (!loadSwitch.on()) {
            return null;
        }
        loadSwitch.turnOff();
        return "overload off: back to paced load (" + loadSwitch.shed() + " ops shed by the client so far)";
    }
}
