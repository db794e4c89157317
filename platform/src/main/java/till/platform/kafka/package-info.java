/** Topics, listener error handling and dead letters shared by every service. */
@NullMarked
package till.platform.kafka;

import org.jspecify.annotations.NullMarked;
