package till.bench;

import java.util.List;
import org.jfree.chart.JFreeChart;

/** How a report's measurements are drawn: {@link Charts} makes the ones the benchmarks use. */
@FunctionalInterface
public interface Chart {

    /** The panels, drawn one under the other in one image; none, no image. */
    List<JFreeChart> panels(List<Measurement> measurements);
}
