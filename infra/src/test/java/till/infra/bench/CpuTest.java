package till.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuTest {

    /**
     * This JVM compiled hundreds of methods to get here, on its compiler threads: their CPU is found, and it is a
     * part of the JVM's, not all of it. Finding no compiler thread would read zero.
     */
    @Test
    void theJitCompilersOfAJvmAreFoundByTheirThreads() {
        long self = ProcessHandle.current().pid();
        double jit = new Cpu.Processes(Set.of(self), -1).jitCoreMillis();
        Duration whole = ProcessHandle.current().info().totalCpuDuration().orElseThrow();

        assertThat(jit).isPositive();
        assertThat(jit).isLessThan(whole.toMillis());
    }

    @Test
    void aJvmThatIsGoneCompilesNothing() {
        assertThat(new Cpu.Processes(Set.of(Long.MAX_VALUE), -1).jitCoreMillis())
                .isZero();
    }

    @Test
    void aPostgresProcessIsKnownByItsDatabaseOrItsJob() {
        assertThat(Cpu.postgresKind("postgres: checkout checkout 127.0.0.1(40412) idle"))
                .isEqualTo("checkout's connections");
        assertThat(Cpu.postgresKind("postgres: ledger ledger 127.0.0.1(40413) idle in transaction"))
                .isEqualTo("ledger's connections");
        assertThat(Cpu.postgresKind("postgres: io worker 2")).isEqualTo("io worker");
        assertThat(Cpu.postgresKind("postgres: walwriter")).isEqualTo("walwriter");
        assertThat(Cpu.postgresKind("postgres: autovacuum launcher")).isEqualTo("autovacuum launcher");
    }
}
