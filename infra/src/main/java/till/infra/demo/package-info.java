/** The demo: fifty cashiers race for the last unit, and every invariant is checked afterwards. */
@NullMarked
package till.infra.demo;

import org.jspecify.annotations.NullMarked;
