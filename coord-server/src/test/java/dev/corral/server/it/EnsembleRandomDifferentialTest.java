package dev.corral.server.it;

/** Seeded random sequences against ZooKeeper and a three-node Corral ensemble, clients spread over it. */
class EnsembleRandomDifferentialTest extends RandomDifferentialTest {
    EnsembleRandomDifferentialTest() {
        ensemble = true;
    }
}
