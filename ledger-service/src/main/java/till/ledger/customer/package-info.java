/** Customers, their credit limits and their current balance. */
@NullMarked
package till.ledger.customer;

import org.jspecify.annotations.NullMarked;
