package till.platform.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The platform's tables (outbox, inbox) are migrated by a Flyway of their own, with its own history table
 * ({@value #HISTORY}), before each service's migrations run with Flyway's default one. So each side numbers its
 * migrations on its own, and a platform migration added later applies to an existing database in order, without
 * {@code outOfOrder} (ADR 4 needed it while both shared one history).
 *
 * <p>A database migrated before this split holds the platform's versions (0.x) in the service's history. The first
 * run after the split records the highest of them as the platform history's baseline, then deletes them from the
 * service's history, so neither Flyway finds a migration it does not know. A crash between the two is finished by
 * the next start, which deletes what is left. Services number their own migrations from V1.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformMigrations {

    public static final String HISTORY = "flyway_platform_history";
    static final String LOCATION = "classpath:db/platform";
    private static final String SERVICE_HISTORY = "flyway_schema_history";

    /** Spring Boot's Flyway (the service's migrations) runs once the platform's are done. */
    @Bean
    FlywayMigrationStrategy platformFirst() {
        return service -> {
            migrate(service.getConfiguration().getDataSource(), LOCATION);
            service.migrate();
        };
    }

    /** Migrates the platform's tables from {@code locations}; see the class comment for a database from before. */
    public static void migrate(DataSource dataSource, String... locations) {
        Optional<String> adopted = platformVersionsInServiceHistory(dataSource);
        Flyway.configure()
                .dataSource(dataSource)
                .table(HISTORY)
                .locations(locations)
                // The migrations' comments quote Debezium's '${routedByValue}' literally.
                .placeholderReplacement(false)
                .baselineOnMigrate(adopted.isPresent())
                .baselineVersion(adopted.orElse("1"))
                // Flyway writes the description into SQL as it is: no quotes in it.
                .baselineDescription("up to here in the service history")
                .load()
                .migrate();
        forgetPlatformVersionsInServiceHistory(dataSource);
    }

    /** The highest platform version in the service's history, when the platform has no history of its own yet. */
    private static Optional<String> platformVersionsInServiceHistory(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (exists(c, HISTORY) || !exists(c, SERVICE_HISTORY)) {
                return Optional.empty();
            }
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT version FROM " + SERVICE_HISTORY
                            + " WHERE version LIKE '0.%' AND success ORDER BY installed_rank DESC LIMIT 1")) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new FlywayException("could not read the service's migration history: " + e.getMessage(), e);
        }
    }

    /** Once the platform's history holds them: the platform's versions leave the service's history. */
    private static void forgetPlatformVersionsInServiceHistory(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (exists(c, SERVICE_HISTORY)) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM " + SERVICE_HISTORY + " WHERE version LIKE '0.%'");
                }
            }
        } catch (SQLException e) {
            throw new FlywayException("could not update the service's migration history: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }
}
