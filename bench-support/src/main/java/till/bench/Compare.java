package till.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run bench compare A.csv B.csv}: two runs' results side by side, every figure both measured (same
 * benchmark, scenario, system and metric) with A, B and B/A, after each run's date, commit and core count.
 */
public final class Compare {

    private Compare() {}

    /** A run's results as read back: who measured them, and each figure by its key. */
    record Results(String run, Map<List<String>, Measurement> figures) {

        static Results read(Path csv) {
            List<String> lines;
            try {
                lines = Files.readAllLines(csv);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + csv, e);
            }
            if (lines.isEmpty() || !lines.getFirst().equals(BenchReport.CSV_HEADER)) {
                throw new IllegalArgumentException(
                        csv + " is not a benchmark's results (" + BenchReport.CSV_HEADER + ")");
            }
            Map<List<String>, Measurement> figures = new LinkedHashMap<>();
            String run = csv + ": no figures";
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = Csv.fields(line);
                run = "%s: %s, commit %s, %s cores".formatted(csv, f.get(0), f.get(1), f.get(2));
                figures.put(
                        List.of(f.get(3), f.get(4), f.get(5), f.get(6)),
                        new Measurement(f.get(4), f.get(5), f.get(6), f.get(7), Double.parseDouble(f.get(8))));
            }
            return new Results(run, figures);
        }
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ./run bench compare A.csv B.csv   (the runs' results, in target/bench/)");
            System.exit(2);
        }
        System.out.print(compare(Results.read(Path.of(args[0])), Results.read(Path.of(args[1]))));
    }

    static String compare(Results a, Results b) {
        Table table = Table.of(
                Table.Column.text("benchmark"),
                Table.Column.text("scenario"),
                Table.Column.text("system"),
                Table.Column.text("metric"),
                Table.Column.figure("A"),
                Table.Column.figure("B"),
                Table.Column.figure("B/A"));
        a.figures().forEach((key, before) -> {
            Measurement after = b.figures().get(key);
            if (after != null) {
                table.row(
                        key.getFirst(),
                        before.scenario(),
                        before.system(),
                        before.metric() + " (" + before.unit() + ")",
                        figure(before.value()),
                        figure(after.value()),
                        before.value() == 0 ? "-" : "%.2fx".formatted(after.value() / before.value()));
            }
        });
        StringBuilder out = new StringBuilder()
                .append("A = ")
                .append(a.run())
                .append('\n')
                .append("B = ")
                .append(b.run())
                .append('\n');
        table.lines().forEach(line -> out.append(line).append('\n'));
        long onlyOne = a.figures().keySet().stream()
                        .filter(k -> !b.figures().containsKey(k))
                        .count()
                + b.figures().keySet().stream()
                        .filter(k -> !a.figures().containsKey(k))
                        .count();
        if (onlyOne > 0) {
            out.append("  ").append(onlyOne).append(" figures measured in only one of the runs are left out\n");
        }
        return out.toString();
    }

    private static String figure(double value) {
        return Math.abs(value) >= 100 || value == Math.rint(value) ? "%.0f".formatted(value) : "%.2f".formatted(value);
    }
}
