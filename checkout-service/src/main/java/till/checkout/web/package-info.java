/** The REST API cashiers' tills call. */
@NullMarked
package till.checkout.web;

import org.jspecify.annotations.NullMarked;
