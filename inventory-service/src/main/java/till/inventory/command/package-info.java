/** The {@code inventory.commands} listener: validates each command and hands it to its feature. */
@NullMarked
package till.inventory.command;

import org.jspecify.annotations.NullMarked;
