package till.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import till.testsupport.TestInfrastructure;

/** The platform's migrations keep a history of their own, on a new database and on one migrated before the split. */
class PlatformMigrationsIT {

    private static final String PLATFORM = PlatformMigrations.LOCATION;
    private static final String PLATFORM_NEXT = "classpath:db/platform-next";
    private static final String SERVICE = "classpath:db/platform-test-service";

    @Test
    void aNewDatabaseGetsTwoHistories() {
        DataSource db = newDatabase();
        PlatformMigrations.migrate(db, PLATFORM);
        migrateService(db);

        JdbcTemplate jdbc = new JdbcTemplate(db);
        assertThat(versions(jdbc, PlatformMigrations.HISTORY)).containsExactly("0.1", "0.2");
        assertThat(versions(jdbc, "flyway_schema_history")).containsExactly("0", "1");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class))
                .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sales", Long.class))
                .isZero();
    }

    @Test
    void aDatabaseFromBeforeTheSplitKeepsItsRowsAndTakesALaterPlatformMigrationInOrder() {
        DataSource db = newDatabase();
        // As every service migrated before: the platform's V0_x and the service's V1 in one history.
        Flyway.configure()
                .dataSource(db)
                .locations(PLATFORM, SERVICE)
                .placeholderReplacement(false)
                .load()
                .migrate();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.update("INSERT INTO sales VALUES (7)");
        jdbc.update("""
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic, message_key)
                VALUES (gen_random_uuid(), 't', 'k', 'x', '{}', 't', 'k')""");

        // After the split, with a platform migration that was written after the service's V1 ran.
        PlatformMigrations.migrate(db, PLATFORM, PLATFORM_NEXT);
        migrateService(db);

        assertThat(versions(jdbc, PlatformMigrations.HISTORY)).containsExactly("0.2", "0.3");
        assertThat(versions(jdbc, "flyway_schema_history")).containsExactly("1");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sales", Long.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE note IS NULL", Long.class))
                .isEqualTo(1);

        // And the next start finds nothing to do on either side.
        PlatformMigrations.migrate(db, PLATFORM, PLATFORM_NEXT);
        migrateService(db);
        assertThat(versions(jdbc, PlatformMigrations.HISTORY)).containsExactly("0.2", "0.3");
        assertThat(versions(jdbc, "flyway_schema_history")).containsExactly("1");
    }

    /** As defaults.properties configures Spring Boot's Flyway for every service. */
    private static void migrateService(DataSource db) {
        Flyway.configure()
                .dataSource(db)
                .locations(SERVICE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** Applied versions in order; the baseline row counts as its version. */
    private static List<String> versions(JdbcTemplate jdbc, String table) {
        return jdbc.queryForList(
                "SELECT version FROM " + table + " WHERE success AND version IS NOT NULL ORDER BY installed_rank",
                String.class);
    }

    private static DataSource newDatabase() {
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(TestInfrastructure.newDatabase("migrations"));
        db.setUser(TestInfrastructure.username());
        db.setPassword(TestInfrastructure.password());
        return db;
    }
}
