/** Who may call what over HTTP: two roles, cashier and admin, from credentials in the environment. */
@NullMarked
package till.platform.security;

import org.jspecify.annotations.NullMarked;
