package till.checkout.saga;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import till.platform.invariants.InvariantCheck;

/** Invariant 3 as checkout-service sees it: its own record of each checkout agrees with its status. */
@Component
class CheckoutInvariants implements InvariantCheck {

    private final JdbcClient jdbc;

    CheckoutInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String description() {
        return "CONFIRMED checkouts have their charge posted and every line committed;"
                + " REJECTED checkouts have no committed line and no charge left unreversed";
    }

    @Override
    public List<String> violations() {
        return jdbc.sql("""
                        SELECT c.checkout_id, c.status, c.charge_state,
                               count(*) FILTER (WHERE l.state <> 'COMMITTED') AS uncommitted,
                               count(*) FILTER (WHERE l.state = 'COMMITTED') AS committed
                        FROM checkouts c JOIN checkout_lines l USING (checkout_id)
                        WHERE c.status <> 'PENDING'
                        GROUP BY c.checkout_id, c.status, c.charge_state
                        HAVING (c.status = 'CONFIRMED'
                                AND (c.charge_state <> 'POSTED' OR count(*) FILTER (WHERE l.state <> 'COMMITTED') > 0))
                            OR (c.status = 'REJECTED'
                                AND (c.charge_state = 'POSTED' OR count(*) FILTER (WHERE l.state = 'COMMITTED') > 0))
                        """)
                .query((rs, n) -> "checkout %s is %s with charge %s, %d lines committed, %d not"
                        .formatted(
                                rs.getString("checkout_id"),
                                rs.getString("status"),
                                rs.getString("charge_state"),
                                rs.getLong("committed"),
                                rs.getLong("uncommitted")))
                .list();
    }
}
