package till.inventory.invariants;

import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import till.inventory.reservation.ReservationProperties;
import till.platform.invariants.InvariantCheck;

/**
 * SPEC invariant 1 as inventory can check it on its own tables, and invariant 3's commits and releases (ADR 16),
 * each a single query (one consistent snapshot) that returns one line per violation, naming the product and the
 * numbers that disagree.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReservationProperties.class)
class StockInvariants {

    /** A check whose query returns one line per violation. */
    private static InvariantCheck sql(String description, JdbcClient jdbc, String sql) {
        return InvariantCheck.of(
                description, () -> jdbc.sql(sql).query(String.class).list());
    }

    @Bean
    InvariantCheck stockIsNeverNegative(JdbcClient jdbc) {
        return sql("onHand >= reserved >= 0 for every product (available never negative)", jdbc, """
                SELECT format('product %s: onHand=%s reserved=%s available=%s',
                              product_id, on_hand, reserved, on_hand - reserved)
                FROM products
                WHERE NOT (on_hand >= reserved AND reserved >= 0)
                ORDER BY product_id
                """);
    }

    @Bean
    InvariantCheck reservedIsTheSumOfLiveReservations(JdbcClient jdbc) {
        return sql("reserved = sum of RESERVED reservations for every product", jdbc, """
                SELECT format('product %s: reserved=%s but RESERVED reservations sum to %s',
                              p.product_id, p.reserved, coalesce(r.total, 0))
                FROM products p
                LEFT JOIN (SELECT product_id, sum(quantity) AS total
                           FROM reservations
                           WHERE state = 'RESERVED'
                           GROUP BY product_id) r USING (product_id)
                WHERE p.reserved <> coalesce(r.total, 0)
                ORDER BY p.product_id
                """);
    }

    @Bean
    InvariantCheck onHandMovesOnlyByAdjustmentsReturnsAndCommits(JdbcClient jdbc) {
        return sql(
                "onHand = sum(adjustments) + sum(returns) - sum(COMMITTED reservations) for every product", jdbc, """
                SELECT format('product %s: onHand=%s but adjustments %s + returns %s - committed %s = %s',
                              p.product_id, p.on_hand, a.total, r.total, c.total, a.total + r.total - c.total)
                FROM products p
                CROSS JOIN LATERAL (SELECT coalesce(sum(delta), 0) AS total
                                    FROM adjustments WHERE product_id = p.product_id) a
                CROSS JOIN LATERAL (SELECT coalesce(sum(quantity), 0) AS total
                                    FROM returns WHERE product_id = p.product_id) r
                CROSS JOIN LATERAL (SELECT coalesce(sum(quantity), 0) AS total
                                    FROM reservations WHERE product_id = p.product_id AND state = 'COMMITTED') c
                WHERE p.on_hand <> a.total + r.total - c.total
                ORDER BY p.product_id
                """);
    }

    /**
     * What checkout-service checked when every commit was answered: a CONFIRMED checkout's lines are committed soon
     * after it. A commit is no longer answered (ADR 16), so inventory checks it where the reservations are, and
     * covers a rejected checkout's releases with the same rule: no reservation stays held past the hold limit.
     */
    @Bean
    InvariantCheck noReservationIsHeldPastTheHoldLimit(JdbcClient jdbc, ReservationProperties properties) {
        Duration limit = properties.holdLimit();
        return InvariantCheck.of(
                "every reservation is committed or released within " + limit.toSeconds() + " s of being made",
                () -> jdbc.sql("""
                                SELECT format('reservation of %s x %s for checkout %s held since %s',
                                              quantity, product_id, checkout_id, created_at)
                                FROM reservations
                                WHERE state = 'RESERVED' AND created_at < now() - make_interval(secs => ?)
                                ORDER BY created_at, checkout_id, product_id
                                """)
                        .param(limit.toMillis() / 1000.0)
                        .query(String.class)
                        .list());
    }
}
