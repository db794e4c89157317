/** Messages owned by the ledger service: its commands, its replies on checkout.replies, and its facts. */
@NullMarked
package till.contracts.ledger;

import org.jspecify.annotations.NullMarked;
