package dev.corral.zab;

/** The two epochs ZAB keeps durably: the last epoch promised (acceptedEpoch) and the last one joined (currentEpoch). */
public record HardState(long acceptedEpoch, long currentEpoch) {}
