package dev.corral.mesos.testmaster;

import java.util.List;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/** Scalar cpus and mem, the only resources the test master deals in. */
public record Resources(double cpus, double mem) {

    public static final Resources NONE = new Resources(0, 0);

    public static Resources of(List<Resource> resources) {
        double cpus = 0;
        double mem = 0;
        for (Resource r : resources) {
            if (r.getType() == Value.Type.SCALAR) {
                switch (r.getName()) {
                    case "cpus" -> cpus += r.getScalar().getValue();
                    case "mem" -> mem += r.getScalar().getValue();
                    default -> { }
                }
            }
        }
        return new Resources(cpus, mem);
    }

    public Resources plus(Resources o) {
        return new Resources(cpus + o.cpus, mem + o.mem);
    }

    public Resources minus(Resources o) {
        return new Resources(cpus - o.cpus, mem - o.mem);
    }

    /** With a small tolerance: offers carry doubles that went through arithmetic. */
    public boolean contains(Resources o) {
        return cpus + 1e-6 >= o.cpus && mem + 1e-6 >= o.mem;
    }

    public boolean isEmpty() {
        return cpus < 0.01 || mem < 1;
    }

    public List<Resource> toProto() {
        return List.of(scalar("cpus", cpus), scalar("mem", mem));
    }

    public static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }
}
