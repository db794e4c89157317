package till.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import till.infra.chaos.ChaosMain;
import till.infra.chaos.ChaosRun;
import till.infra.chaos.FaultKind;
import till.infra.chaos.Report;
import till.infra.chaos.Settings;
import till.infra.stack.Stack;

/**
 * The chaos run in the build: two minutes of sales on a throw-away stack with two instances of every service, under
 * every kind of fault on the schedule of a fixed seed, and not one invariant violated. {@code ./run chaos} is the same
 * run, longer and with any seed.
 */
class ChaosRunIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final long SEED = 14;

    @Test
    void twoMinutesOfSalesUnderEveryKindOfFaultViolateNoInvariant() {
        Stack.Options options = ChaosMain.chaosStack(
                new Stack.Options(ROOT, SharedStack.throwAwayDir(ROOT, "chaos-"), false, 12, Duration.ofSeconds(30)));
        Report report;
        try (Stack stack = Stack.start(options, line -> System.out.println("chaos stack: " + line))) {
            report = ChaosRun.run(stack, new Settings(SEED, 120, 2, 8), line -> System.out.println("chaos: " + line));
        }
        System.out.print(report.text());

        assertThat(report.lastLine()).matches("chaos: \\d+ checkouts, \\d+ faults, \\d+ violations, seed " + SEED);
        assertThat(report.violations()).as(report.text()).isEmpty();
        assertThat(report.lastLine()).contains(" 0 violations");
        assertThat(report.checkouts()).isGreaterThan(60);
        assertThat(report.faultsByKind())
                .allSatisfy((kind, n) -> assertThat(n).as("%s injected", kind).isPositive());
        assertThat(report.faultCount()).isGreaterThanOrEqualTo(FaultKind.values().length);
        Stack.wipe(options.workDir());
    }
}
