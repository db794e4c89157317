/** The ledger's Kafka commands, applied exactly once, and its replies to checkout. */
@NullMarked
package till.ledger.command;

import org.jspecify.annotations.NullMarked;
