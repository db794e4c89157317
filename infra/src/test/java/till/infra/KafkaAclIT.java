package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import till.infra.stack.KafkaLogin;
import till.infra.stack.TillService;
import till.platform.kafka.Topics;
import till.testsupport.TopicReader;

/**
 * The broker of the stack refuses whoever has not logged in, and lets each service's identity do only what its
 * ACLs say. Nothing here writes to a topic unless a refusal it expects does not come.
 */
class KafkaAclIT extends StackTest {

    @Test
    void checkoutsIdentityMayNotWriteLedgerEvents() {
        try (KafkaProducer<String, String> producer = producer(stack.kafkaClientConfig(TillService.Name.CHECKOUT))) {
            // What it may write, it may see; what it may not, it may not even see.
            assertThat(producer.partitionsFor(Topics.INVENTORY_COMMANDS)).hasSize(12);

            Throwable refused = refusal(() -> producer.send(new ProducerRecord<>(
                            Topics.LEDGER_EVENTS, "mallory", "{\"type\":\"till.ledger.ChargePosted\"}"))
                    .get(60, TimeUnit.SECONDS));

            assertThat(refused).isInstanceOf(TopicAuthorizationException.class);
            assertThat(((TopicAuthorizationException) refused).unauthorizedTopics())
                    .containsExactly(Topics.LEDGER_EVENTS);
        }
        assertThat(TopicReader.readToEnd(
                        stack.kafkaClientConfig(), Topics.LEDGER_EVENTS, r -> "mallory".equals(r.key())))
                .isEmpty();
    }

    @Test
    void checkoutsIdentityMayReadOnlyItsOwnTopicInItsOwnGroup() {
        TopicPartition reply = new TopicPartition(Topics.CHECKOUT_REPLIES, 0);
        try (KafkaConsumer<String, String> own = consumer(TillService.Name.CHECKOUT, "checkout-replies");
                KafkaConsumer<String, String> ledgers = consumer(TillService.Name.CHECKOUT, "ledger-commands")) {
            assertThat(own.committed(Set.of(reply), Duration.ofSeconds(30))).containsKey(reply);

            TopicPartition command = new TopicPartition(Topics.LEDGER_COMMANDS, 0);
            own.assign(List.of(command));
            own.seekToBeginning(List.of(command));
            assertThat(refusal(() -> {
                        // The refusal of the offsets' look-up comes out of a poll: a few, a bounded while.
                        for (int poll = 0; poll < 15; poll++) {
                            own.poll(Duration.ofSeconds(2));
                        }
                    }))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(refusal(() -> ledgers.committed(Set.of(reply), Duration.ofSeconds(30))))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
    }

    /**
     * Each service's relay registered its transactional id when it took the lease (ADR 15), which its identity may
     * do for its own id only: checkout's identity is refused ledger's, so it can fence no other service's relay.
     */
    @Test
    void eachRelayUsesItsOwnTransactionalIdAndNoOther() throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClientConfig())) {
            List<String> ids = Stream.of(TillService.Name.values())
                    .map(TillService.Name::relayTransactionalId)
                    .toList();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(
                                    admin.describeTransactions(ids).all().get(30, TimeUnit.SECONDS))
                            .as("registered by the relays")
                            .containsOnlyKeys(ids));
        }
        Map<String, Object> config = new HashMap<>(stack.kafkaClientConfig(TillService.Name.CHECKOUT));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TillService.Name.LEDGER.relayTransactionalId());
        try (KafkaProducer<String, String> producer = producer(config)) {
            assertThat(refusal(producer::initTransactions)).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    void aClientWithoutCredentialsCannotProduce() {
        String key = "anonymous-" + UUID.randomUUID();
        Map<String, Object> anonymous =
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        try (KafkaProducer<String, String> producer = producer(anonymous)) {
            // The listener speaks SASL only: the client never gets the topic's metadata and gives up.
            Throwable refused = refusal(() -> producer.send(new ProducerRecord<>(Topics.CHECKOUT_EVENTS, key, "{}"))
                    .get(60, TimeUnit.SECONDS));

            assertThat(refused).isInstanceOf(TimeoutException.class);
        }
        assertThat(TopicReader.readToEnd(stack.kafkaClientConfig(), Topics.CHECKOUT_EVENTS, r -> key.equals(r.key())))
                .isEmpty();
    }

    @Test
    void aWrongPasswordIsRefused() {
        KafkaLogin impostor = new KafkaLogin("operator", "0123456789abcdef0123456789abcdef");
        try (KafkaProducer<String, String> producer = producer(impostor.clientConfig(stack.kafkaBootstrapServers()))) {
            assertThat(refusal(() -> producer.send(new ProducerRecord<>(Topics.CHECKOUT_EVENTS, "impostor", "{}"))
                            .get(60, TimeUnit.SECONDS)))
                    .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config);
    }

    private KafkaConsumer<String, String> consumer(TillService.Name identity, String group) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientConfig(identity));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config);
    }

    /** What the call threw, unwrapped from the future that carried it. */
    private static Throwable refusal(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        return thrown instanceof ExecutionException ? thrown.getCause() : thrown;
    }
}
