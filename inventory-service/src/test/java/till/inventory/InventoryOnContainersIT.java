package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import till.platform.kafka.Topics;
import till.testsupport.ContractExamples;
import tools.jackson.databind.json.JsonMapper;

/**
 * inventory-service on the images docker-compose.yml runs (Kafka in KRaft mode, PostgreSQL 18) through
 * Testcontainers, instead of the embedded broker and database every other test uses: a product made over REST
 * and the contract's ReserveStock example applied through the real listener. Where no Docker engine is reachable
 * it is reported as skipped; the embedded path stays the default.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InventoryOnContainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:18.1")
            .withDatabaseName("inventory")
            .withUsername("inventory")
            .withPassword("inventory");

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", POSTGRES::getJdbcUrl);
        registry.add("spring.datasource.username", POSTGRES::getUsername);
        registry.add("spring.datasource.password", POSTGRES::getPassword);
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper mapper;

    @Test
    void reservesStockOnRealContainers() throws Exception {
        String example = ContractExamples.of("till.inventory.ReserveStock");
        String productId = mapper.readTree(example).get("subject").asString();
        jdbc.sql(
                        "INSERT INTO products (product_id, name, price_minor, on_hand) VALUES (?, 'Espresso machine', 49900, 3)")
                .params(productId)
                .update();

        kafka.send(Topics.INVENTORY_COMMANDS, productId, example).get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT on_hand, reserved FROM products WHERE product_id = ?")
                                .param(productId)
                                .query((rs, n) -> Map.of("onHand", rs.getLong(1), "reserved", rs.getLong(2)))
                                .single())
                        .isEqualTo(Map.of("onHand", 1L, "reserved", 0L)));
    }
}
