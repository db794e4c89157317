package till.checkout.invariants;

import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import till.checkout.saga.CheckoutProperties;
import till.platform.invariants.InvariantCheck;

/**
 * Invariant 3 as checkout-service sees it: its own record of each checkout agrees with its status. A CONFIRMED
 * checkout's commits follow its confirmation (ADR 5), so a line still waiting for its commit is a violation only
 * once the checkout has waited longer than {@code till.checkout.commit-grace} for it.
 */
@Configuration(proxyBeanMethods = false)
class CheckoutInvariants {

    @Bean
    InvariantCheck checkoutsAgreeWithTheirLines(JdbcClient jdbc, CheckoutProperties properties) {
        Duration commitGrace = properties.commitGrace();
        return InvariantCheck.of(
                "CONFIRMED checkouts have their charge posted and every line committed (within "
                        + commitGrace.toSeconds() + " s of the confirmation);"
                        + " REJECTED checkouts have no committed line and no charge left unreversed",
                () -> jdbc.sql("""
                        SELECT c.checkout_id, c.status, c.charge_state,
                               count(*) FILTER (WHERE l.state <> 'COMMITTED') AS uncommitted,
                               count(*) FILTER (WHERE l.state = 'COMMITTED') AS committed
                        FROM checkouts c JOIN checkout_lines l USING (checkout_id)
                        WHERE c.status <> 'PENDING'
                        GROUP BY c.checkout_id, c.status, c.charge_state
                        HAVING (c.status = 'CONFIRMED'
                                AND (c.charge_state <> 'POSTED'
                                     OR count(*) FILTER (WHERE l.state NOT IN ('COMMIT_REQUESTED', 'COMMITTED')) > 0
                                     OR (count(*) FILTER (WHERE l.state = 'COMMIT_REQUESTED') > 0
                                         AND c.updated_at < now() - make_interval(secs => ?))))
                            OR (c.status = 'REJECTED'
                                AND (c.charge_state = 'POSTED' OR count(*) FILTER (WHERE l.state = 'COMMITTED') > 0))
                        """)
                        .param(commitGrace.toMillis() / 1000.0)
                        .query((rs, n) -> "checkout %s is %s with charge %s, %d lines committed, %d not"
                                .formatted(
                                        rs.getString("checkout_id"),
                                        rs.getString("status"),
                                        rs.getString("charge_state"),
                                        rs.getLong("committed"),
                                        rs.getLong("uncommitted")))
                        .list());
    }
}
