package till.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;

/**
 * What one benchmark reports, and the one way every benchmark reports it: a title, notes and a {@link Table} in
 * the order added, the figures behind them as {@link Measurement}s, and a {@link Chart} of those figures.
 *
 * <p>{@link #write} prints the text to standard output and keeps the run under {@link RunInfo#dir()} as
 * {@code <name>-<stamp>.txt} (exactly what was printed), {@code .csv} (one measurement a line, with the date, the
 * commit and the core count) and {@code .png} (the chart). A benchmark run by Maven prints into Maven's output,
 * which {@code ./run bench} keeps in a log: {@code ./run} prints the {@code .txt} instead.
 */
public final class BenchReport {

    static final String CSV_HEADER = "date,commit,cores,benchmark,scenario,system,metric,unit,value";
    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 440;

    private final String name;
    private final String title;
    private final List<Object> parts = new ArrayList<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private Chart chart = Charts.none();

    private BenchReport(String name, String title) {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("a report's name is a file name's start: " + name);
        }
        this.name = name;
        this.title = title;
    }

    /** {@code name}: the files' names start with it ("ledger"); {@code title}: the text's first line. */
    public static BenchReport named(String name, String title) {
        return new BenchReport(name, title);
    }

    /** A line of text, printed indented where it was added: before or after the table. */
    public BenchReport note(String line) {
        parts.add(line);
        return this;
    }

    /** The table, printed where it was added; rendered as it is when the report is written. */
    public BenchReport table(Table table) {
        parts.add(table);
        return this;
    }

    public BenchReport measured(String scenario, String system, String metric, String unit, double value) {
        measurements.add(new Measurement(scenario, system, metric, unit, value));
        return this;
    }

    public BenchReport chart(Chart chart) {
        this.chart = chart;
        return this;
    }

    public String name() {
        return name;
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    /** The files one written report left. */
    public record Written(Path text, Path csv, Path chart) {}

    /** Writes this report for this JVM's run ({@link RunInfo#current()}). */
    public Written write() {
        return write(RunInfo.current());
    }

    public Written write(RunInfo run) {
        Path dir = run.dir();
        Written files = new Written(
                dir.resolve(name + "-" + run.stamp() + ".txt"),
                dir.resolve(name + "-" + run.stamp() + ".csv"),
                dir.resolve(name + "-" + run.stamp() + ".png"));
        String text = text(run, files);
        try {
            Files.createDirectories(dir);
            Files.writeString(files.csv(), csv(run));
            writeChart(run, files.chart());
            Files.writeString(files.text(), text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + name + "'s results into " + dir, e);
        }
        System.out.print(text);
        System.out.flush();
        return files;
    }

    /** What is printed: a blank line, the title, the parts, where the results are kept, a blank line. */
    String text(RunInfo run, Written files) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add(title);
        for (Object part : parts) {
            if (part instanceof Table table) {
                lines.addAll(table.lines());
            } else {
                lines.add("  " + part);
            }
        }
        lines.add("  run %s: commit %s, %d cores, %s; results %s, chart %s"
                .formatted(
                        run.stamp(), run.commit(), run.cores(), run.date(), shown(files.csv()), shown(files.chart())));
        lines.add("");
        return String.join("\n", lines) + "\n";
    }

    String csv(RunInfo run) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Measurement m : measurements) {
            csv.append(String.join(
                            ",",
                            Csv.quote(run.date().toString()),
                            Csv.quote(run.commit()),
                            String.valueOf(run.cores()),
                            Csv.quote(name),
                            Csv.quote(m.scenario()),
                            Csv.quote(m.system()),
                            Csv.quote(m.metric()),
                            Csv.quote(m.unit()),
                            String.valueOf(m.value())))
                    .append('\n');
        }
        return csv.toString();
    }

    /** Every panel of the chart, one under the other, in one PNG; the first names the run. */
    private void writeChart(RunInfo run, Path file) throws IOException {
        List<JFreeChart> panels = chart.panels(measurements);
        if (panels.isEmpty()) {
            return;
        }
        panels.getFirst()
                .addSubtitle(new TextTitle("%s, commit %s, %d cores".formatted(run.date(), run.commit(), run.cores())));
        BufferedImage image = new BufferedImage(WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (int i = 0; i < panels.size(); i++) {
                panels.get(i).draw(g, new Rectangle2D.Double(0, (double) i * PANEL_HEIGHT, WIDTH, PANEL_HEIGHT));
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /** Relative to the repository's root when under it: what a reader types. */
    private static String shown(Path file) {
        Path root = RunInfo.repositoryRoot();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }
}
