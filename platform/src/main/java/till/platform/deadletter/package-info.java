/** What is waiting on the dead-letter topics of the topics this service consumes, as a metric to alert on. */
@NullMarked
package till.platform.deadletter;

import org.jspecify.annotations.NullMarked;
