package dev.corral.mesos.ha;

/** Told when this instance becomes leader (with its fence) and when it must stop leading. */
public interface LeadershipListener {

    void elected(Fence fence);

    void deposed(String reason);
}
