package till.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table as the benchmarks print it: a header and rows of cells, each column as wide as its widest cell, text
 * columns aligned left and figures right. Every line starts with two spaces, so nothing in it looks like a
 * prompt or a log line, and no line is special: a reader gets all of them or none.
 */
public final class Table {

    /** A column's name and which side its cells align to. */
    public record Column(String name, boolean alignLeft) {

        public static Column text(String name) {
            return new Column(name, true);
        }

        public static Column figure(String name) {
            return new Column(name, false);
        }
    }

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public static Table of(Column... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        return new Table(Arrays.asList(columns));
    }

    /** Adds a row of already formatted cells, one per column. */
    public Table row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(
                    "a row of " + cells.length + " cells in a table of " + columns.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** The header, then every row, in order. */
    public List<String> lines() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).name().length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(columns.stream().map(Column::name).toList(), widths));
        rows.forEach(row -> lines.add(line(row, widths)));
        return lines;
    }

    private String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = cells.get(c);
            String padding = " ".repeat(widths[c] - cell.length());
            line.append("  ");
            line.append(columns.get(c).alignLeft() ? cell + padding : padding + cell);
        }
        return line.toString().stripTrailing();
    }
}
