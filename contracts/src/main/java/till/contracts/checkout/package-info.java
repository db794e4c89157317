/** Messages owned by the checkout service: its commands, its replies on checkout.replies, and its facts. */
@NullMarked
package till.contracts.checkout;

import org.jspecify.annotations.NullMarked;
