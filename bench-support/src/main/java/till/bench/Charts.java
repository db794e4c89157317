package till.bench;

import java.awt.BasicStroke;
import java.awt.Color;
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
import org.jfree.chart.axis.NumberTickUnit;
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
                JFreeChart chart = ChartFactory.createBarChart(
                        byUnit.size() == 1 ? title : title + " (" + unit + ")", null, unit, data);
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
     * through the scenarios {@code curve} keeps, at x their {@code throughputMetric}; the scenarios {@code points}
     * keeps are drawn as marks alone (a closed loop's figures beside an open loop's curve). Latency on a log scale:
     * one system's p99 may be a hundred times another's p50; throughput too when it spans more than 20 times.
     */
    public static Chart latencyAgainstThroughput(
            String title,
            Predicate<String> curve,
            Predicate<String> points,
            String throughputMetric,
            List<String> latencyMetrics) {
        return all -> {
            List<Measurement> chosen = all.stream()
                    .filter(m -> curve.test(m.scenario()) || points.test(m.scenario()))
                    .toList();
            Map<String, Color> colours = colours(chosen);
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
            String latencyUnit = "ms";
            String throughputUnit = "";
            for (boolean joined : new boolean[] {true, false}) {
                for (String system : colours.keySet()) {
                    for (String metric : latencyMetrics) {
                        Map<String, XYSeries> seriesByName = new LinkedHashMap<>();
                        for (Measurement y : chosen) {
                            boolean wanted = joined ? curve.test(y.scenario()) : points.test(y.scenario());
                            if (!wanted
                                    || !y.system().equals(system)
                                    || !y.metric().equals(metric)
                                    || y.value() <= 0) {
                                continue;
                            }
                            Optional<Measurement> x = find(chosen, y.scenario(), system, throughputMetric);
                            if (x.isEmpty() || x.get().value() <= 0) {
                                continue;
                            }
                            latencyUnit = y.unit();
                            throughputUnit = x.get().unit();
                            String name = joined ? system + " " + metric : system + " " + metric + ", " + y.scenario();
                            seriesByName
                                    .computeIfAbsent(name, XYSeries::new)
                                    .add(x.get().value(), y.value());
                        }
                        for (XYSeries series : seriesByName.values()) {
                            int s = data.getSeriesCount();
                            data.addSeries(series);
                            lines.setSeriesPaint(s, colours.get(system));
                            lines.setSeriesStroke(s, metric.equals(latencyMetrics.getFirst()) ? SOLID : DASHED);
                            lines.setSeriesLinesVisible(s, joined);
                        }
                    }
                }
            }
            if (data.getSeriesCount() == 0) {
                return List.of();
            }
            String xLabel = throughputMetric + (throughputUnit.isEmpty() ? "" : ", " + throughputUnit);
            JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, latencyUnit, data);
            style(chart);
            XYPlot plot = chart.getXYPlot();
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeAxis(logAxis("latency, " + latencyUnit + " (log scale)"));
            plot.setRangeMinorGridlinesVisible(true);
            plot.setRangeMinorGridlinePaint(new Color(0xeeeeee));
            if (data.getDomainUpperBound(false) > 20 * data.getDomainLowerBound(false)) {
                plot.setDomainAxis(logAxis(xLabel + " (log scale)"));
                plot.setDomainMinorGridlinesVisible(true);
                plot.setDomainMinorGridlinePaint(new Color(0xeeeeee));
            } else {
                ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
            }
            plot.setRenderer(lines);
            return List.of(chart);
        };
    }

    /** Labelled at the powers of ten, with a minor mark at each step between them. */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(0.1);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        return axis;
    }

    private static Optional<Measurement> find(
            List<Measurement> measurements, String scenario, String system, String metric) {
        return measurements.stream()
                .filter(m -> m.scenario().equals(scenario)
                        && m.system().equals(system)
                        && m.metric().equals(metric))
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
