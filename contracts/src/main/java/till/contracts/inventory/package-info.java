/** Messages owned by the inventory service: its commands, its replies on checkout.replies, and its facts. */
@NullMarked
package till.contracts.inventory;

import org.jspecify.annotations.NullMarked;
