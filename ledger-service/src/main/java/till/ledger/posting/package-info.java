/** Appending entries to a customer's ledger: one locked path for charges, reversals, refunds and payments. */
@NullMarked
package till.ledger.posting;

import org.jspecify.annotations.NullMarked;
