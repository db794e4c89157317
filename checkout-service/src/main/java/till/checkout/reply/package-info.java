/** The replies from inventory and ledger on {@code checkout.replies}, applied to checkouts and their refunds. */
@NullMarked
package till.checkout.reply;

import org.jspecify.annotations.NullMarked;
