/** The checkout service. */
@NullMarked
package till.checkout;

import org.jspecify.annotations.NullMarked;
