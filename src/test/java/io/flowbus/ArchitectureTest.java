package io.flowbus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the package dependencies the way the README draws them. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.flowbus");

  @Test
  void theModelKnowsNoFrameworks() {
    noClasses()
        .that()
        .resideInAPackage("io.flowbus.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "com.hazelcast..", "org.yaml..", "io.micrometer..")
        .check(CLASSES);
  }

  @Test
  void layersDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Main")
        .definedBy("io.flowbus")
        .layer("Cli")
        .definedBy("io.flowbus.cli..")
        .layer("Api")
        .definedBy("io.flowbus.api..")
        .layer("Controller")
        .definedBy("io.flowbus.controller..")
        .layer("Worker")
        .definedBy("io.flowbus.worker..")
        .layer("Views")
        .definedBy("io.flowbus.views..")
        .layer("Cluster")
        .definedBy("io.flowbus.cluster..")
        .layer("Storage")
        .definedBy("io.flowbus.storage..")
        .layer("Definitions")
        .definedBy("io.flowbus.definitions..")
        .layer("Config")
        .definedBy("io.flowbus.config..")
        .layer("Model")
        .definedBy("io.flowbus.model..")
        .whereLayer("Main")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Cli")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Api")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Controller")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Worker")
        .mayOnlyBeAccessedByLayers("Main")
        .whereLayer("Views")
        .mayOnlyBeAccessedByLayers("Main", "Api", "Controller")
        .whereLayer("Cluster")
        .mayOnlyBeAccessedByLayers("Main", "Api", "Controller", "Worker")
        .whereLayer("Storage")
        .mayOnlyBeAccessedByLayers("Main", "Api", "Controller", "Worker")
        .whereLayer("Definitions")
        .mayOnlyBeAccessedByLayers("Main", "Cli", "Api", "Controller", "Cluster", "Storage")
        .check(CLASSES);
  }

  @Test
  void workersAndControllersDoNotCallEachOther() {
    noClasses()
        .that()
        .resideInAPackage("io.flowbus.worker..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.flowbus.controller..", "io.flowbus.api..")
        .check(CLASSES);
  }

  @Test
  void theRestSideDoesNotReachIntoTheEngine() {
    noClasses()
        .that()
        .resideInAnyPackage("io.flowbus.api..", "io.flowbus.views..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.flowbus.controller..", "io.flowbus.worker..")
        .check(CLASSES);
  }

  @Test
  void theViewsOnlyShowTheModel() {
    noClasses()
        .that()
        .resideInAPackage("io.flowbus.views..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.flowbus.cluster..", "io.flowbus.storage..", "io.flowbus.config..")
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.flowbus.(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
