package till.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM whose parent is killed with kill -9 exits by itself: nothing is left behind by a killed stack. */
class ParentProcessTest {

    /** The child: waits for its parent to go, then exits with 42; exits with 1 if that takes over a minute. */
    public static void main(String[] args) throws InterruptedException {
        ParentProcess.onExit(() -> System.exit(42));
        Thread.sleep(Duration.ofMinutes(1));
        System.exit(1);
    }

    @Test
    void theChildExitsOnceItsParentIsKilled() throws Exception {
        Process parent = new ProcessBuilder("sleep", "120").start();
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx32m",
                        "-Dtill.parent-pid=" + parent.pid(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ParentProcessTest.class.getName())
                .inheritIO()
                .start();
        try {
            // Alive while the parent is.
            assertThat(child.waitFor(3, TimeUnit.SECONDS)).isFalse();
            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            // The JDK polls a process that is not its child with a growing pause of at most 5 s.
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(42);
        } finally {
            parent.destroyForcibly();
            child.destroyForcibly();
        }
    }

    @Test
    void withoutAParentNothingHappens() {
        System.clearProperty("till.parent-pid");
        ParentProcess.onExit(() -> {
            throw new AssertionError("no parent was named");
        });
    }
}
