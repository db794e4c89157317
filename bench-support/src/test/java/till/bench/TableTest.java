package till.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void everyRowIsPrintedWholeWhateverItStartsWith() {
        Table table = Table.of(
                        Table.Column.text("workload"), Table.Column.figure("Till /s"), Table.Column.figure("ratio"))
                .row("1 hot customer", "1234", "12.0x")
                .row("| piped", "5", "0.5x")
                .row("1,000 customers", "98765", "1.0x");

        List<String> lines = table.lines();

        assertThat(lines)
                .containsExactly(
                        "  workload         Till /s  ratio",
                        "  1 hot customer      1234  12.0x",
                        "  | piped                5   0.5x",
                        "  1,000 customers    98765   1.0x");
    }

    @Test
    void aRowMustFillEveryColumn() {
        Table table = Table.of(Table.Column.text("a"), Table.Column.figure("b"));

        assertThatThrownBy(() -> table.row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
