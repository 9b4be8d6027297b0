package dev.corral.server.it;

import java.nio.file.Path;

/** The scenarios of {@link DifferentialTest}, with Corral as a three-node ensemble and clients spread over it. */
class EnsembleDifferentialTest extends DifferentialTest {
    @Override
    protected void compare(Path dir, int clients, Differential.Scenario scenario) throws Exception {
        Differential.compareWithEnsemble(dir, clients, scenario);
    }

    @Override
    protected boolean ensemble() {
        return true;
    }
}
