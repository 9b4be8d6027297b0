package dev.corral.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's layering and the request path's seams (docs/architecture.md, "Rules"), enforced. */
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
    void pipelineKnowsNoNettyRocksDbOrReplication() {
        noClasses().that().resideInAPackage("dev.corral.server.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.net..", "dev.corral.server.storage..", "dev.corral.server.ensemble..",
                        "dev.corral.server.replication..", "dev.corral.zab..")
                .check(CLASSES);
    }

    @Test
    void theProcessorLoopKnowsNeitherWritePath() {
        noClasses().that().haveFullyQualifiedName("dev.corral.server.pipeline.RequestProcessor")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.corral.server.pipeline.StandaloneWritePath")
                .orShould().dependOnClassesThat().resideInAPackage("dev.corral.server.ensemble..")
                .check(CLASSES);
    }

    @Test
    void storageAndReplicationStayBelowTheRequestPath() {
        noClasses().that().resideInAnyPackage("dev.corral.server.storage..", "dev.corral.server.replication..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.corral.server.pipeline..",
                        "dev.corral.server.ensemble..", "dev.corral.server.net..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.corral.server.storage..")
                .should().dependOnClassesThat().resideInAPackage("dev.corral.server.replication..")
                .check(CLASSES);
    }

    @Test
    void monitoringReadsTheServerOnlyThroughStatsSnapshots() {
        // The AdminServer, /metrics and the shared report fields see the server as ServerStats snapshots taken on
        // the processor thread (and a member's PeerStatus): never the store, the tables or the ensemble's parts.
        noClasses().that().resideInAnyPackage("dev.corral.server.admin..", "dev.corral.server.metrics..",
                        "dev.corral.server.monitor..", "dev.corral.server.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.rocksdb..", "dev.corral.server.storage..",
                        "dev.corral.server.ensemble..", "dev.corral.server.net..", "dev.corral.server.tree..",
                        "dev.corral.server.session..", "dev.corral.server.watch..", "dev.corral.server.wire..")
                .check(CLASSES);
        // The HTTP endpoint is plumbing: it knows requests and replies, nothing of what they report.
        noClasses().that().resideInAPackage("dev.corral.server.http..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.corral.server.pipeline..",
                        "dev.corral.server.config..", "dev.corral.server.admin..", "dev.corral.server.metrics..",
                        "dev.corral.server.monitor..", "dev.corral.server.replication..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.corral.server.monitor..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..")
                .check(CLASSES);
    }

    @Test
    void saslKnowsOnlyItsConfigAndTheJdk() {
        // The JAAS login and the SaslServers it makes: the pipeline drives them; they know nothing of requests.
        noClasses().that().resideInAPackage("dev.corral.server.sasl..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.pipeline..", "dev.corral.server.net..", "dev.corral.server.storage..",
                        "dev.corral.server.ensemble..", "dev.corral.server.replication..", "dev.corral.server.tree..",
                        "dev.corral.server.session..", "dev.corral.server.watch..", "dev.corral.server.wire..",
                        "dev.corral.server.acl..")
                .check(CLASSES);
    }

    @Test
    void migrationIsAnOfflineToolOverTheStoreAndTheTree() {
        // import-zookeeper and export-zookeeper work on files of stopped servers: a tree store (storage, tree) and
        // ZooKeeper's files (Jute records); nothing of a running server. Only the tools package calls them.
        noClasses().that().resideInAPackage("dev.corral.server.migrate..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..",
                        "dev.corral.server.pipeline..", "dev.corral.server.net..", "dev.corral.server.ensemble..",
                        "dev.corral.server.replication..", "dev.corral.server.session..", "dev.corral.server.watch..",
                        "dev.corral.server.admin..", "dev.corral.server.http..", "dev.corral.server.metrics..",
                        "dev.corral.server.tools..")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("dev.corral.server.migrate..", "dev.corral.server.tools..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.corral.server.migrate..",
                        "dev.corral.server.tools..")
                .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.corral.server.(*)..").should().beFreeOfCycles().check(CLASSES);
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
