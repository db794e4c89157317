package till.infra.stack;

import static till.platform.kafka.Topics.CHECKOUT_EVENTS;
import static till.platform.kafka.Topics.CHECKOUT_REPLIES;
import static till.platform.kafka.Topics.INVENTORY_COMMANDS;
import static till.platform.kafka.Topics.INVENTORY_EVENTS;
import static till.platform.kafka.Topics.INVENTORY_PRICES;
import static till.platform.kafka.Topics.LEDGER_COMMANDS;
import static till.platform.kafka.Topics.LEDGER_EVENTS;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import till.platform.kafka.Topics;

/**
 * What each service's identity may do on the broker, and nothing more (the broker denies whatever no ACL allows):
 * read each topic it consumes in its own consumer group (a grant per topic), write the topics it produces and the
 * dead-letter topic of the one it consumes, and use its relay's transactional id (ADR 15). No service may create
 * topics: the stack creates them as the operator before any service starts, and tells the services not to declare
 * them ({@code SPRING_KAFKA_ADMIN_AUTO_CREATE=false}).
 * docker-compose.yml grants the same.
 */
final class KafkaAcls {

    /**
     * @param group the service's consumer group: its {@code @KafkaListener}'s id, which Spring Kafka uses as the
     *     group id
     */
    record Grant(TillService.Name service, String consumes, String group, List<String> produces) {

        List<String> writes() {
            return Stream.concat(produces.stream(), Stream.of(Topics.deadLetter(consumes)))
                    .toList();
        }
    }

    static final List<Grant> GRANTS = List.of(
            new Grant(
                    TillService.Name.CHECKOUT,
                    CHECKOUT_REPLIES,
                    "checkout-replies",
                    List.of(INVENTORY_COMMANDS, LEDGER_COMMANDS, CHECKOUT_EVENTS)),
            // checkout-service's copy of the prices (ADR 10, ADR 14), a consumer of its own.
            new Grant(TillService.Name.CHECKOUT, INVENTORY_PRICES, "checkout-prices", List.of()),
            new Grant(
                    TillService.Name.INVENTORY,
                    INVENTORY_COMMANDS,
                    "inventory-commands",
                    List.of(CHECKOUT_REPLIES, INVENTORY_EVENTS, INVENTORY_PRICES)),
            new Grant(
                    TillService.Name.LEDGER,
                    LEDGER_COMMANDS,
                    "ledger-commands",
                    List.of(CHECKOUT_REPLIES, LEDGER_EVENTS)));

    private KafkaAcls() {}

    /** Every service's ACLs, for the service logins in {@code credentials}. */
    static List<AclBinding> bindings(KafkaCredentials credentials) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Grant grant : GRANTS) {
            String principal = "User:" + credentials.service(grant.service()).user();
            bindings.add(allow(principal, ResourceType.TOPIC, grant.consumes(), AclOperation.READ));
            bindings.add(allow(principal, ResourceType.GROUP, grant.group(), AclOperation.READ));
            for (String topic : grant.writes()) {
                bindings.add(allow(principal, ResourceType.TOPIC, topic, AclOperation.WRITE));
            }
        }
        for (TillService.Name service : TillService.Name.values()) {
            String principal = "User:" + credentials.service(service).user();
            bindings.add(allow(
                    principal, ResourceType.TRANSACTIONAL_ID, service.relayTransactionalId(), AclOperation.WRITE));
        }
        return bindings;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
