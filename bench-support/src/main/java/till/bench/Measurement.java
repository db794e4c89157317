package till.bench;

/**
 * One figure a benchmark measured: in a scenario, for a system (Till or its baseline), a metric in a unit. What
 * the CSV holds one per line, and what the charts and {@code ./run bench compare} read.
 */
public record Measurement(String scenario, String system, String metric, String unit, double value) {}
