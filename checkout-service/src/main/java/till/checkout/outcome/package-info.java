/** Requests waiting for a checkout to be decided, woken by the database when it is (LISTEN/NOTIFY). */
@NullMarked
package till.checkout.outcome;

import org.jspecify.annotations.NullMarked;
