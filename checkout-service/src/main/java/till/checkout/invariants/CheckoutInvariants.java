package till.checkout.invariants;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import till.platform.invariants.InvariantCheck;

/**
 * Invariant 3 as checkout-service sees it: its own record of each checkout agrees with its status. A CONFIRMED
 * checkout's lines are COMMITTED, sold when reserved (ADR 17), or COMMIT_REQUESTED where a checkout-service from
 * before ADR 17 sent their commits (answered only when refused, ADR 16); a refused one is a violation. That each of
 * those commits was applied is inventory's check, where the reservations are (no reservation held past its limit).
 */
@Configuration(proxyBeanMethods = false)
class CheckoutInvariants {

    @Bean
    InvariantCheck checkoutsAgreeWithTheirLines(JdbcClient jdbc) {
        return InvariantCheck.of(
                "CONFIRMED checkouts have their charge posted and every line's commit sent and not refused;"
                        + " REJECTED checkouts have no committed line and no charge left unreversed",
                () -> jdbc.sql("""
                                SELECT checkout_id, status, charge_state, committed, uncommitted
                                FROM (SELECT c.checkout_id, c.status, c.charge_state,
                                             count(*) FILTER (WHERE l.state IN ('COMMIT_REQUESTED', 'COMMITTED'))
                                                 AS committed,
                                             count(*) FILTER (WHERE l.state NOT IN ('COMMIT_REQUESTED', 'COMMITTED'))
                                                 AS uncommitted
                                      FROM checkouts c JOIN checkout_lines l USING (checkout_id)
                                      WHERE c.status <> 'PENDING'
                                      GROUP BY c.checkout_id, c.status, c.charge_state) decided
                                WHERE (status = 'CONFIRMED' AND (charge_state <> 'POSTED' OR uncommitted > 0))
                                   OR (status = 'REJECTED' AND (charge_state = 'POSTED' OR committed > 0))
                                """)
                        .query((rs, n) ->
                                "checkout %s is %s with charge %s, %d lines committed or sent to commit, %d not"
                                        .formatted(
                                                rs.getString("checkout_id"),
                                                rs.getString("status"),
                                                rs.getString("charge_state"),
                                                rs.getLong("committed"),
                                                rs.getLong("uncommitted")))
                        .list());
    }
}
