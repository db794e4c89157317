package till.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;

/**
 * What Till promises about each service's code, checked on its compiled classes by a test in each service: feature
 * packages without cycles, domain rules free of Spring, Kafka and JDBC, controllers that are only controllers and sit
 * in their feature's package, invariant checks declared the same way in the service's {@code invariants} package, no
 * service that uses another's code, and message contracts that depend on nothing but themselves and their checks.
 */
public final class ArchitectureRules {

    private static final List<String> SERVICES = List.of("till.checkout", "till.inventory", "till.ledger");
    private static final String REST_CONTROLLER = "org.springframework.web.bind.annotation.RestController";
    private static final String INVARIANT_CHECK = "till.platform.invariants.InvariantCheck";
    /** Packages named for a technical layer rather than a feature. */
    private static final List<String> LAYERS = List.of("web", "controller", "controllers", "rest", "api", "service");

    private ArchitectureRules() {}

    /**
     * @param service the service's root package, e.g. {@code till.checkout}
     * @param domainRules the classes that hold its domain rules as plain Java
     */
    public static void check(String service, Class<?>... domainRules) {
        JavaClasses code = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(service, "till.contracts");

        slices().matching(service + ".(*)..")
                .should()
                .beFreeOfCycles()
                .because("a feature package that needs another is built on it, never the other way round too")
                .check(code);

        for (Class<?> rules : domainRules) {
            classes()
                    .that()
                    .belongToAnyOf(rules)
                    .should()
                    .onlyDependOnClassesThat()
                    .resideOutsideOfPackages(
                            "org.springframework..",
                            "org.apache.kafka..",
                            "java.sql..",
                            "javax.sql..",
                            "org.postgresql..")
                    .because("the domain rules are plain Java, unit-tested without a framework")
                    .check(code);
        }

        classes()
                .that()
                .areAnnotatedWith(REST_CONTROLLER)
                .should()
                .haveSimpleNameEndingWith("Controller")
                .andShould()
                .notBePublic()
                .because("a controller is the edge of its feature: only Spring calls it")
                .check(code);
        noClasses()
                .that()
                .areNotAnnotatedWith(REST_CONTROLLER)
                .and()
                .resideInAPackage(service + "..")
                .should()
                .haveSimpleNameEndingWith("Controller")
                .check(code);

        classes()
                .that()
                .areAnnotatedWith(REST_CONTROLLER)
                .should()
                .resideInAPackage(service + ".*")
                .because("a controller sits in the package of the feature it serves, e.g. product/ProductController")
                .check(code);
        noClasses()
                .should()
                .resideInAnyPackage(LAYERS.stream()
                        .map(layer -> service + "." + layer + "..")
                        .toArray(String[]::new))
                .because("packages are named for features, the same names for the same jobs in every service")
                .check(code);

        noClasses()
                .that()
                .resideInAPackage(service + "..")
                .and()
                .resideOutsideOfPackage(service + ".invariants")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName(INVARIANT_CHECK)
                .because("every invariant check of a service is in its invariants package, where operators look")
                .check(code);
        noClasses()
                .that()
                .resideInAPackage(service + "..")
                .should()
                .implement(INVARIANT_CHECK)
                .because("each check is an InvariantCheck.of(...) bean, declared the same way in every service")
                .check(code);
        classes()
                .that()
                .resideInAPackage(service + ".invariants")
                .and()
                .areTopLevelClasses()
                .and()
                .doNotHaveSimpleName("package-info")
                .should()
                .beAnnotatedWith("org.springframework.context.annotation.Configuration")
                .because("the checks are the @Bean methods of one @Configuration per service")
                .check(code);

        List<String> others = SERVICES.stream()
                .filter(s -> !s.equals(service))
                .map(s -> s + "..")
                .toList();
        noClasses()
                .that()
                .resideInAPackage(service + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others.toArray(String[]::new))
                .because("services talk over Kafka, never through each other's code")
                .check(code);

        // The contracts module has no dependency to break this, but a class moved into it by mistake would.
        classes()
                .that()
                .resideInAPackage("till.contracts..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "till.contracts..", "org.jspecify..")
                .because("other teams depend on the message records alone")
                .check(code);
    }
}
