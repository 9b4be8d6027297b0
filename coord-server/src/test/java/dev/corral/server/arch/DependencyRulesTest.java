package dev.corral.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's layering (DESIGN.md section 1), enforced. */
class DependencyRulesTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.corral.server");

    @Test
    void treeSessionAclAndWatchKnowNoNettyRocksDbOrPipeline() {
        noClasses().that().resideInAnyPackage("dev.corral.server.tree..", "dev.corral.server.session..",
                        "dev.corral.server.acl..", "dev.corral.server.watch..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.pipeline..", "dev.corral.server.net..", "dev.corral.server.storage..",
                        "dev.corral.zab..")
                .check(CLASSES);
    }

    @Test
    void wireKnowsOnlyJute() {
        noClasses().that().resideInAPackage("dev.corral.server.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.pipeline..", "dev.corral.server.tree..", "dev.corral.server.net..")
                .check(CLASSES);
    }

    @Test
    void pipelineKnowsNoNettyOrRocksDb() {
        noClasses().that().resideInAPackage("dev.corral.server.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.net..", "dev.corral.server.storage..")
                .check(CLASSES);
    }

    @Test
    void onlyStorageTouchesRocksDb() {
        noClasses().that().resideOutsideOfPackage("dev.corral.server.storage..")
                .should().dependOnClassesThat().resideInAPackage("org.rocksdb..")
                .check(CLASSES);
    }

    @Test
    void nothingUsesTheZooKeeperServerJar() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper.server..",
                        "org.apache.zookeeper.client..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.zookeeper.ZooKeeper")
                .check(CLASSES);
    }
}
