/** Benchmarks against the embedded stack, each beside a baseline measured in the same run. */
@NullMarked
package till.infra.bench;

import org.jspecify.annotations.NullMarked;
