/** The SPEC's ledger invariant, checked against the data for /actuator/invariants. */
@NullMarked
package till.ledger.invariants;

import org.jspecify.annotations.NullMarked;
