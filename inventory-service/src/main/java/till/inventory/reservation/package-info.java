/** Reservations as a lifecycle: reserve, commit, release, each idempotent per checkout and product. */
@NullMarked
package till.inventory.reservation;

import org.jspecify.annotations.NullMarked;
