/** The inbox: the id of every applied message, recorded with its effect, so a redelivery is skipped. */
@NullMarked
package till.platform.inbox;

import org.jspecify.annotations.NullMarked;
