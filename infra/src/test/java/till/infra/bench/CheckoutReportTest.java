package till.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import till.bench.BenchReport;
import till.bench.RunInfo;

class CheckoutReportTest {

    @TempDir
    Path dir;

    private static Phase phase(String scenario, String system, long... millis) {
        long[] micros = new long[millis.length];
        for (int i = 0; i < millis.length; i++) {
            micros[i] = millis[i] * 1_000;
        }
        return new Phase(scenario, system, "16", micros, 2.0, millis.length, 0, 0, 1_000);
    }

    @Test
    void everyPhaseIsARowAndEveryOtherSystemGetsARatioToSync() throws Exception {
        List<Phase> phases = List.of(
                phase("(b) 16 tills, 2 lines/200", "sync", 10, 20, 30, 40),
                phase("(b) 16 tills, 2 lines/200", "Till", 100, 200, 300, 400),
                phase("(d1) open loop, 2 lines/200", "sync", 5, 5),
                phase("(d1) open loop, 2 lines/200", "Till", 50, 60),
                phase("(d2) open loop, 2 lines/200", "sync", 6, 7),
                phase("(d2) open loop, 2 lines/200", "Till", 70, 80));

        BenchReport report = CheckoutReport.of(phases, List.of("a note"));
        BenchReport.Written files = report.write(new RunInfo(Instant.now(), "abc1234", 2, "20261130-080000", dir));

        List<String> table = Files.readAllLines(files.text());
        assertThat(table).contains("  a note");
        assertThat(table)
                .filteredOn(line -> line.startsWith("  (b) 16 tills") || line.startsWith("  (d"))
                .hasSize(6);
        assertThat(table).filteredOn(line -> line.contains("Till/sync")).hasSize(3);
        assertThat(table).anySatisfy(line -> assertThat(line).matches(" +Till/sync +10\\.00x .*"));
        assertThat(report.measurements())
                .anySatisfy(m -> assertThat(m)
                        .extracting("scenario", "system", "metric", "value")
                        .containsExactly("(b) 16 tills, 2 lines/200", "Till", "throughput", 2.0));
        // Two panels: latency against throughput over the open loops, and the closed loops' throughput.
        assertThat(ImageIO.read(files.chart().toFile()).getHeight()).isEqualTo(2 * 440);
    }

    @Test
    void ratesParseAsOneOpenLoopEach() {
        CheckoutLatencyBench.Options options =
                CheckoutLatencyBench.Options.parse(new String[] {"--rates", "5,10,20", "--seconds", "7"});

        assertThat(options.rates()).containsExactly(5.0, 10.0, 20.0);
        assertThat(options.phaseLimit()).isEqualTo(Duration.ofSeconds(7));
        assertThat(CheckoutLatencyBench.Options.parse(new String[] {"--rate", "3"})
                        .rates())
                .containsExactly(3.0);
        assertThat(CheckoutLatencyBench.Options.parse(new String[0]).rates()).isEmpty();
    }

    @Test
    void theWarmUpHasItsOwnTimeLimit() {
        CheckoutLatencyBench.Options options = CheckoutLatencyBench.Options.parse(
                new String[] {"--warmup", "3000", "--warmup-seconds", "90", "--seconds", "7"});

        assertThat(options.warmup()).isEqualTo(3000);
        assertThat(options.warmupLimit()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.phaseLimit()).isEqualTo(Duration.ofSeconds(7));
        assertThat(CheckoutLatencyBench.Options.parse(new String[0]).warmupLimit())
                .isEqualTo(Duration.ofSeconds(300));
    }
}
