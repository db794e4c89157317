package till.infra.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import till.bench.BenchReport;
import till.bench.Charts;
import till.bench.Table;

/**
 * The checkout benchmark's report: per scenario and system its phase's figures, then each other system's ratio
 * to the scenario's first (sync, the baseline); kept as figures, and drawn as latency against throughput (the open
 * loops as curves, the 16 tills' closed loop as marks) above each closed loop's checkouts per second.
 */
final class CheckoutReport {

    /** The scenario whose closed loop marks each system's throughput with 16 tills on the latency chart. */
    private static final String SIXTEEN_TILLS = "(b)";

    private CheckoutReport() {}

    static BenchReport of(List<Phase> phases, List<String> notes) {
        BenchReport report = BenchReport.named(
                "checkout",
                "Checkout: Till (3 service JVMs, 1 Kafka broker, PostgreSQL) beside the synchronous checkout in one"
                        + " PostgreSQL transaction (1 JVM, the same PostgreSQL)");
        report.note("done = CONFIRMED or REJECTED as the till sees it; Till: POST with Prefer: wait=30, then GET with"
                + " Prefer: wait=30 until final");
        report.note("CPU = core-ms used by the system's JVMs and by PostgreSQL (postmaster and its children) from the"
                + " phase's start until they were quiet again, per confirmed checkout; not the benchmark client");
        notes.forEach(report::note);
        Table table = Table.of(
                Table.Column.text("scenario"),
                Table.Column.text("system"),
                Table.Column.figure("clients"),
                Table.Column.figure("checkouts"),
                Table.Column.figure("confirmed"),
                Table.Column.figure("rejected"),
                Table.Column.figure("failed"),
                Table.Column.figure("p50 ms"),
                Table.Column.figure("p99 ms"),
                Table.Column.figure("max ms"),
                Table.Column.figure("per s"),
                Table.Column.figure("CPU ms/conf"));
        report.table(table);
        Map<String, List<Phase>> byScenario = new LinkedHashMap<>();
        phases.forEach(p ->
                byScenario.computeIfAbsent(p.scenario(), s -> new ArrayList<>()).add(p));
        for (List<Phase> scenario : byScenario.values()) {
            for (Phase p : scenario) {
                table.row(
                        p.scenario(),
                        p.system(),
                        p.clients(),
                        String.valueOf(p.checkouts()),
                        String.valueOf(p.confirmed()),
                        String.valueOf(p.rejected()),
                        String.valueOf(p.failed()),
                        "%.1f".formatted(p.percentileMillis(50)),
                        "%.1f".formatted(p.percentileMillis(99)),
                        "%.1f".formatted(p.percentileMillis(100)),
                        "%.1f".formatted(p.perSecond()),
                        "%.2f".formatted(p.cpuPerConfirmed()));
                measured(report, p);
            }
            Phase sync = scenario.getFirst();
            for (Phase other : scenario.subList(1, scenario.size())) {
                table.row(
                        "",
                        other.system() + "/" + sync.system(),
                        "",
                        "",
                        "",
                        "",
                        "",
                        times(other.percentileMillis(50), sync.percentileMillis(50)),
                        times(other.percentileMillis(99), sync.percentileMillis(99)),
                        times(other.percentileMillis(100), sync.percentileMillis(100)),
                        times(other.perSecond(), sync.perSecond()),
                        times(other.cpuPerConfirmed(), sync.cpuPerConfirmed()));
            }
        }
        return report.chart(Charts.together(
                Charts.latencyAgainstThroughput(
                        "Checkout latency against throughput: open loops (lines), 16 tills closed loop (marks)",
                        scenario -> scenario.startsWith("(d"),
                        scenario -> scenario.startsWith(SIXTEEN_TILLS),
                        "throughput",
                        List.of("p50", "p99")),
                Charts.bars(
                        "Checkouts per second, closed loops",
                        m -> m.metric().equals("throughput") && !m.scenario().startsWith("(d"))));
    }

    private static void measured(BenchReport report, Phase p) {
        report.measured(p.scenario(), p.system(), "checkouts", "count", p.checkouts())
                .measured(p.scenario(), p.system(), "confirmed", "count", p.confirmed())
                .measured(p.scenario(), p.system(), "rejected", "count", p.rejected())
                .measured(p.scenario(), p.system(), "failed", "count", p.failed())
                .measured(p.scenario(), p.system(), "p50", "ms", p.percentileMillis(50))
                .measured(p.scenario(), p.system(), "p99", "ms", p.percentileMillis(99))
                .measured(p.scenario(), p.system(), "max", "ms", p.percentileMillis(100))
                .measured(p.scenario(), p.system(), "throughput", "checkouts/s", p.perSecond())
                .measured(p.scenario(), p.system(), "CPU per confirmed", "core-ms", p.cpuPerConfirmed());
    }

    private static String times(double till, double sync) {
        return "%.2fx".formatted(till / sync);
    }
}
