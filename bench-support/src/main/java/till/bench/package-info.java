/** How every benchmark reports: its table, its results kept as CSV, and a chart of them. */
@NullMarked
package till.bench;

import org.jspecify.annotations.NullMarked;
