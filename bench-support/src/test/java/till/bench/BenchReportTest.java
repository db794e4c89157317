package till.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path dir;

    private RunInfo run() {
        return new RunInfo(Instant.parse("2026-11-30T08:00:00Z"), "abc1234", 2, "20261130-080000", dir);
    }

    static BenchReport ledgerLike() {
        Table table = Table.of(
                        Table.Column.text("workload"),
                        Table.Column.figure("Till (/s)"),
                        Table.Column.figure("baseline (/s)"),
                        Table.Column.figure("ratio"))
                .row("1 hot customer", "900", "300", "3.0x")
                .row("1,000 customers", "1200", "1000", "1.2x");
        return BenchReport.named("ledger", "Ledger postings per second")
                .note("before the table")
                .table(table)
                .note("after the table")
                .measured("1 hot customer", "Till", "postings", "/s", 900)
                .measured("1 hot customer", "baseline", "postings", "/s", 300)
                .measured("1,000 customers", "Till", "postings", "/s", 1200)
                .measured("1,000 customers", "baseline", "postings", "/s", 1000)
                .measured("1 hot customer", "Till", "p99", "ms", 12.5)
                .measured("1 hot customer", "baseline", "p99", "ms", 40)
                .chart(Charts.bars("Ledger", m -> true));
    }

    @Test
    void whatIsPrintedIsWhatIsKeptAndHoldsEveryLineOfTheTable() throws Exception {
        BenchReport report = ledgerLike();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream console = System.out;
        BenchReport.Written files;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            files = report.write(run());
        } finally {
            System.setOut(console);
        }

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(Files.readString(files.text())).isEqualTo(printed);
        assertThat(printed.lines())
                .containsSubsequence(
                        "Ledger postings per second",
                        "  before the table",
                        "  workload         Till (/s)  baseline (/s)  ratio",
                        "  1 hot customer         900            300   3.0x",
                        "  1,000 customers       1200           1000   1.2x",
                        "  after the table");
        assertThat(printed)
                .contains("commit abc1234, 2 cores")
                .contains(files.csv().getFileName().toString());
    }

    @Test
    void theFiguresAreKeptWithTheDateTheCommitAndTheCores() throws Exception {
        BenchReport.Written files = quietly(ledgerLike());

        assertThat(files.csv().getFileName()).hasToString("ledger-20261130-080000.csv");
        List<String> csv = Files.readAllLines(files.csv());
        assertThat(csv.getFirst()).isEqualTo("date,commit,cores,benchmark,scenario,system,metric,unit,value");
        assertThat(csv)
                .contains("2026-11-30T08:00:00Z,abc1234,2,ledger,\"1,000 customers\",baseline,postings,/s,1000.0")
                .hasSize(7);
        assertThat(Csv.fields(csv.get(3)))
                .containsExactly(
                        "2026-11-30T08:00:00Z",
                        "abc1234",
                        "2",
                        "ledger",
                        "1,000 customers",
                        "Till",
                        "postings",
                        "/s",
                        "1200.0");
    }

    @Test
    void theChartIsAPngWithAPanelPerUnit() throws Exception {
        BenchReport.Written files = quietly(ledgerLike());

        BufferedImage chart = ImageIO.read(files.chart().toFile());
        assertThat(chart.getWidth()).isEqualTo(1000);
        assertThat(chart.getHeight()).isEqualTo(2 * 440);
    }

    @Test
    void latencyAgainstThroughputDrawsALinePerSystemAndPercentile() {
        BenchReport report = BenchReport.named("checkout", "Checkout");
        for (int rate : new int[] {10, 20, 40}) {
            for (String system : List.of("sync", "Till")) {
                report.measured("open " + rate, system, "per s", "/s", rate * 0.98)
                        .measured("open " + rate, system, "p50", "ms", system.equals("Till") ? 30 : 10)
                        .measured("open " + rate, system, "p99", "ms", rate * 5);
            }
        }
        report.measured("closed", "Till", "per s", "/s", 99).measured("closed", "Till", "p50", "ms", 99);

        var panels = Charts.latencyAgainstThroughput(
                        "latency", s -> s.startsWith("open"), s -> s.equals("closed"), "per s", List.of("p50", "p99"))
                .panels(report.measurements());

        assertThat(panels).hasSize(1);
        var data = panels.getFirst().getXYPlot().getDataset();
        assertThat(data.getSeriesCount()).isEqualTo(5);
        assertThat(data.getSeriesKey(0)).isEqualTo("sync p50");
        assertThat(data.getItemCount(3)).isEqualTo(3);
        assertThat(data.getSeriesKey(4)).isEqualTo("Till p50, closed");
        assertThat(data.getItemCount(4)).isEqualTo(1);
    }

    @Test
    void twoRunsCompareFigureByFigure() {
        BenchReport before = ledgerLike();
        BenchReport after = BenchReport.named("ledger", "Ledger postings per second")
                .measured("1 hot customer", "Till", "postings", "/s", 1800)
                .measured("1 hot customer", "baseline", "postings", "/s", 300);
        BenchReport.Written a = quietly(before);
        BenchReport.Written b = quietly(
                after, new RunInfo(Instant.parse("2026-11-30T09:00:00Z"), "def5678", 2, "20261130-090000", dir));

        String compared = Compare.compare(Compare.Results.read(a.csv()), Compare.Results.read(b.csv()));

        assertThat(compared)
                .contains("commit abc1234")
                .contains("commit def5678")
                .containsPattern("ledger +1 hot customer +Till +postings \\(/s\\) +900 +1800 +2.00x")
                .contains("4 figures measured in only one of the runs are left out");
    }

    private BenchReport.Written quietly(BenchReport report) {
        return quietly(report, run());
    }

    private static BenchReport.Written quietly(BenchReport report, RunInfo run) {
        PrintStream console = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return report.write(run);
        } finally {
            System.setOut(console);
        }
    }
}
