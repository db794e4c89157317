/**
 * Idempotency keys: when a request sent again under its key is the same request, and the key and lines every
 * till request carries.
 */
@NullMarked
package till.checkout.idempotency;

import org.jspecify.annotations.NullMarked;
