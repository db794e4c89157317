/** The checkout saga: reserve every line, charge the total (confirmed), commit every line; compensate on any rejection or deadline. */
@NullMarked
package till.checkout.saga;

import org.jspecify.annotations.NullMarked;
