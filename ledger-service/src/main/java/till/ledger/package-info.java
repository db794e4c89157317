/** The ledger service. */
@NullMarked
package till.ledger;

import org.jspecify.annotations.NullMarked;
