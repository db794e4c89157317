/** Refunded units going back on hand, once per refund and product. */
@NullMarked
package till.inventory.refund;

import org.jspecify.annotations.NullMarked;
