/** SPEC invariant 3 as checkout-service checks it against its own tables, for {@code /actuator/invariants}. */
@NullMarked
package till.checkout.invariants;

import org.jspecify.annotations.NullMarked;
