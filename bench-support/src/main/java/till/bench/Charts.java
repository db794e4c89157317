package till.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts the benchmarks draw, with JFreeChart, on a JVM without a display ({@code java.awt.headless}). A
 * system keeps its colour across panels: the first system measured gets the first colour.
 */
public final class Charts {

    static {
        // Drawing into an image needs no display; without this a JVM on a desktop would start a GUI toolkit.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };
    private static final BasicStroke SOLID = new BasicStroke(2.5f);
    private static final BasicStroke DASHED =
            new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f);

    private Charts() {}

    public static Chart none() {
        return measurements -> List.of();
    }

    /** The panels of each chart in turn. */
    public static Chart together(Chart... charts) {
        return measurements ->
                Stream.of(charts).flatMap(c -> c.panels(measurements).stream()).toList();
    }

    /**
     * Bars, a group per scenario (and metric, where a unit has several) and a bar per system: Till beside its
     * baseline. One panel per unit, titled {@code title} and the unit.
     */
    public static Chart bars(String title, Predicate<Measurement> which) {
        return all -> {
            List<Measurement> chosen = all.stream().filter(which).toList();
            Map<String, Color> colours = colours(chosen);
            Map<String, List<Measurement>> byUnit = new LinkedHashMap<>();
            chosen.forEach(m ->
                    byUnit.computeIfAbsent(m.unit(), u -> new ArrayList<>()).add(m));
            List<JFreeChart> panels = new ArrayList<>();
            byUnit.forEach((unit, measurements) -> {
                boolean severalMetrics = measurements.stream()
                                .map(Measurement::metric)
                                .distinct()
                                .count()
                        > 1;
                DefaultCategoryDataset data = new DefaultCategoryDataset();
                for (Measurement m : measurements) {
                    String group = severalMetrics ? m.scenario() + ": " + m.metric() : m.scenario();
                    data.addValue(m.value(), m.system(), group);
                }
                JFreeChart chart = ChartFactory.createBarChart(title + " (" + unit + ")", null, unit, data);
                CategoryPlot plot = chart.getCategoryPlot();
                style(chart);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                plot.getDomainAxis().setMaximumCategoryLabelLines(3);
                BarRenderer bars = (BarRenderer) plot.getRenderer();
                bars.setBarPainter(new StandardBarPainter());
                bars.setShadowVisible(false);
                bars.setItemMargin(0.05);
                bars.setDefaultItemLabelGenerator(
                        new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0.#")));
                bars.setDefaultItemLabelsVisible(true);
                for (int s = 0; s < data.getRowCount(); s++) {
                    bars.setSeriesPaint(s, colours.get((String) data.getRowKey(s)));
                }
                panels.add(chart);
            });
            return panels;
        };
    }

    /**
     * Latency against throughput: per system, one line per latency metric (the first solid, the others dashed)
     * through the scenarios {@code which} keeps, at x their {@code throughputMetric}. Latency on a log scale: one
     * system's p99 may be a hundred times another's p50.
     */
    public static Chart latencyAgainstThroughput(
            String title, Predicate<String> which, String throughputMetric, List<String> latencyMetrics) {
        return all -> {
            List<Measurement> chosen =
                    all.stream().filter(m -> which.test(m.scenario())).toList();
            Map<String, Color> colours = colours(chosen);
            XYSeriesCollection data = new XYSeriesCollection();
            List<Paint> paints = new ArrayList<>();
            List<BasicStroke> strokes = new ArrayList<>();
            String latencyUnit = "ms";
            for (String system : colours.keySet()) {
                for (String metric : latencyMetrics) {
                    XYSeries series = new XYSeries(system + " " + metric);
                    for (Measurement y : chosen) {
                        if (y.system().equals(system) && y.metric().equals(metric) && y.value() > 0) {
                            latencyUnit = y.unit();
                            value(chosen, y.scenario(), system, throughputMetric)
                                    .ifPresent(x -> series.add(x.doubleValue(), y.value()));
                        }
                    }
                    if (!series.isEmpty()) {
                        data.addSeries(series);
                        paints.add(colours.get(system));
                        strokes.add(metric.equals(latencyMetrics.getFirst()) ? SOLID : DASHED);
                    }
                }
            }
            if (data.getSeriesCount() == 0) {
                return List.of();
            }
            JFreeChart chart = ChartFactory.createXYLineChart(title, throughputMetric, latencyUnit, data);
            style(chart);
            XYPlot plot = chart.getXYPlot();
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            LogAxis latency = new LogAxis("latency, " + latencyUnit + " (log scale)");
            latency.setSmallestValue(0.1);
            latency.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
            plot.setRangeAxis(latency);
            ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
            XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
            for (int s = 0; s < paints.size(); s++) {
                lines.setSeriesPaint(s, paints.get(s));
                lines.setSeriesStroke(s, strokes.get(s));
            }
            plot.setRenderer(lines);
            return List.of(chart);
        };
    }

    private static Optional<Double> value(
            List<Measurement> measurements, String scenario, String system, String metric) {
        return measurements.stream()
                .filter(m -> m.scenario().equals(scenario)
                        && m.system().equals(system)
                        && m.metric().equals(metric))
                .map(Measurement::value)
                .findFirst();
    }

    private static Map<String, Color> colours(List<Measurement> measurements) {
        Set<String> systems = new LinkedHashSet<>();
        measurements.forEach(m -> systems.add(m.system()));
        Map<String, Color> colours = new LinkedHashMap<>();
        for (String system : systems) {
            colours.put(system, COLOURS[colours.size() % COLOURS.length]);
        }
        return colours;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
    }
}
