/** {@code GET /actuator/invariants}: each service reports what it checked and every violation found. */
@NullMarked
package till.platform.invariants;

import org.jspecify.annotations.NullMarked;
