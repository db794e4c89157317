/**
 * A till's checkouts over REST ({@code /api/checkouts}): started, read, and answered when decided, by requests
 * that wait for the outcome ({@code Prefer: wait}) until the database says it is decided (LISTEN/NOTIFY).
 */
@NullMarked
package till.checkout.outcome;

import org.jspecify.annotations.NullMarked;
