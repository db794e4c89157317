package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/** Each service's database role reaches its own database and no other's, on the stack as ./run stack starts it. */
class DatabaseIsolationIT {

    @Test
    void aServiceRoleConnectsToItsOwnDatabaseOnly() throws SQLException {
        Stack stack = SharedStack.get();
        for (TillService.Name role : TillService.Name.values()) {
            try (Connection own = DriverManager.getConnection(stack.jdbcUrl(role), role.id(), role.id())) {
                assertThat(own.isValid(5))
                        .as(role.id() + " in its own database")
                        .isTrue();
            }
            for (TillService.Name other : TillService.Name.values()) {
                if (other == role) {
                    continue;
                }
                assertThatThrownBy(() -> DriverManager.getConnection(stack.jdbcUrl(other), role.id(), role.id())
                                .close())
                        .as(role.id() + " in " + other.id() + "'s database")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied for database");
            }
        }
    }
}
