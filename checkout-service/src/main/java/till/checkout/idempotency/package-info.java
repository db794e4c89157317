/** Idempotency keys: when a request sent again under its key is the same request. */
@NullMarked
package till.checkout.idempotency;

import org.jspecify.annotations.NullMarked;
