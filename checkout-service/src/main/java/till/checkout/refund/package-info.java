/** Refunds of confirmed checkouts: return the units, credit the customer, never more than was sold. */
@NullMarked
package till.checkout.refund;

import org.jspecify.annotations.NullMarked;
