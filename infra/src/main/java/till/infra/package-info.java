/** Runs Till on one machine with nothing installed but a JDK. */
@NullMarked
package till.infra;

import org.jspecify.annotations.NullMarked;
