package till.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run bench} prints each benchmark's table from the file the benchmark wrote ({@code show_tables} in
 * {@code run}, which {@code ./run bench show} calls as the benchmarks' path does): this runs the script's own printing
 * and checks that every line of a table reaches the terminal, whatever it starts with, and that a benchmark that wrote
 * no table fails the run, named.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunScriptPrintsBenchTablesTest {

    private static final String STAMP = "20261130-080000";

    @TempDir
    Path dir;

    @Test
    void everyLineOfEveryTableOfARunReachesTheTerminal() throws Exception {
        String ledger = written(BenchReportTest.ledgerLike());
        String inventory = written(BenchReport.named("inventory", "Inventory reservations per second")
                .table(Table.of(Table.Column.text("product"), Table.Column.figure("Till"))
                        .row("hot (1 product)", "5000")));

        Result shown = run("bench", "show", STAMP);
        Result named = run("bench", "show", STAMP, "inventory", "ledger");

        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains(ledger).contains(inventory);
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.out()).isEqualTo(inventory + ledger);
        assertThat(shown.out()).contains("  1 hot customer         900            300   3.0x");
    }

    @Test
    void withoutAStampTheNewestRunIsShown() throws Exception {
        String ledger = written(BenchReportTest.ledgerLike());

        Result shown = run("bench", "show");

        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).isEqualTo(ledger);
    }

    @Test
    void theNamedBenchmarksTablesArePrintedAndOneThatWroteNoneFailsTheRunNamed() throws Exception {
        String ledger = written(BenchReportTest.ledgerLike());

        Result shown = run("bench", "show", STAMP, "ledger", "outbox");

        assertThat(shown.out()).isEqualTo(ledger);
        assertThat(shown.exit()).isNotZero();
        assertThat(shown.err()).contains("the outbox benchmark wrote no table");
    }

    @Test
    void aRunWithoutTablesFailsSayingSo() throws Exception {
        Result shown = run("bench", "show", "20000101-000000");

        assertThat(shown.exit()).isNotZero();
        assertThat(shown.err()).contains("no tables of run '20000101-000000'");
    }

    private String written(BenchReport report) throws IOException {
        PrintStream console = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Files.readString(report.write(new RunInfo(Instant.now(), "abc1234", 2, STAMP, dir))
                    .text());
        } finally {
            System.setOut(console);
        }
    }

    private record Result(int exit, String out, String err) {}

    private Result run(String... args) throws Exception {
        Path script = RunInfo.repositoryRoot().resolve("run");
        assertThat(script).isRegularFile();
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add("bash");
        builder.command().add(script.toString());
        builder.command().addAll(List.of(args));
        builder.environment().put("TILL_BENCH_DIR", dir.toString());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("./run finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
