/** SPEC invariant 1 as inventory checks it against its own tables, for {@code /actuator/invariants}. */
@NullMarked
package till.inventory.invariants;

import org.jspecify.annotations.NullMarked;
