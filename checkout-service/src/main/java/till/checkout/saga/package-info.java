/**
 * The checkout saga: reserve every line and charge the total (at once when every line is quoted, ADR 10), confirmed
 * once both are done, then commit every line; compensate on any rejection or deadline.
 */
@NullMarked
package till.checkout.saga;

import org.jspecify.annotations.NullMarked;
