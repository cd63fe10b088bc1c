package dev.sluice.connectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.sluice.connectors", importOptions = ImportOption.DoNotIncludeTests.class)
class ConnectorsArchitectureTest {

    @ArchTest
    static final ArchRule connectors_never_depend_on_the_runner = noClasses()
            .that().resideInAPackage("dev.sluice.connectors..")
            .should().dependOnClassesThat().resideInAPackage("dev.sluice.core.runner..")
            .because("connectors return positions as data and only the runner writes state (DESIGN.md section 4)");
}
