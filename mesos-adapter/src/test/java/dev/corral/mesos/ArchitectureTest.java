package dev.corral.mesos;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's dependency rules (docs/architecture.md, "Modules" and "Rules the build enforces"), enforced. */
class ArchitectureTest {

    // Import the module's own output directory only: scanning the whole classpath takes seconds.
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(java.nio.file.Path.of(codeSource()));

    private static java.net.URI codeSource() {
        try {
            return dev.corral.mesos.detect.ZkUrl.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theImportFoundTheModule() {
        org.assertj.core.api.Assertions.assertThat(MAIN.contain("dev.corral.mesos.scheduler.FrameworkScheduler")).isTrue();
    }

    @Test
    void neverCoordServerOrZabInternals() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.corral.server..", "dev.corral.zab..")
                .check(MAIN);
    }

    @Test
    void theKitDoesNotDependOnTheTestMaster() {
        // The test master is for tests and demos; only the command line (its `test-master` command) may start it.
        noClasses().that().resideInAnyPackage("dev.corral.mesos.detect..", "dev.corral.mesos.ha..",
                        "dev.corral.mesos.state..", "dev.corral.mesos.scheduler..", "dev.corral.mesos.config..",
                        "dev.corral.mesos.discovery..")
                .should().dependOnClassesThat().resideInAPackage("dev.corral.mesos.testmaster..")
                .check(MAIN);
    }

    @Test
    void detectionAndHaUseNoHttpAndTheSchedulerNoCoordinationInternals() {
        noClasses().that().resideInAnyPackage("dev.corral.mesos.detect..", "dev.corral.mesos.ha..", "dev.corral.mesos.state..",
                        "dev.corral.mesos.config..", "dev.corral.mesos.discovery..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "com.sun.net.httpserver..")
                .check(MAIN);
    }

    @Test
    void configurationAndDiscoveryKnowNothingOfTheSchedulerOrTheCommandLine() {
        // The scheduler applies configuration and keeps discovery; the other way round would make the stored formats
        // depend on how one scheduler works.
        noClasses().that().resideInAnyPackage("dev.corral.mesos.config..", "dev.corral.mesos.discovery..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.corral.mesos.scheduler..", "dev.corral.mesos.cli..")
                .check(MAIN);
    }
}
