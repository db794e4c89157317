#!/bin/sh
# Run once by docker-compose.yml's kafka-init, as the operator, before any service starts: creates the SPEC's
# topics (no service may create topics) and grants each service's identity what the embedded stack's KafkaAcls
# grants it (infra/src/main/java/till/infra/stack/KafkaAcls.java; KafkaAclsMatchComposeTest keeps the two equal):
# read the topic it consumes in its own consumer group (its @KafkaListener's id), write what it produces and the
# dead-letter topic of what it consumes, and use its relay's transactional id (ADR 15).
set -eu
: "${KAFKA_OPERATOR_PASSWORD:?}"
bin=/opt/kafka/bin
login=/tmp/operator.properties
umask 077
cat >"$login" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="operator" password="$KAFKA_OPERATOR_PASSWORD";
PROPERTIES
server=kafka:9092

for topic in inventory.commands ledger.commands checkout.replies inventory.events inventory.prices ledger.events \
             checkout.events inventory.commands.DLT ledger.commands.DLT checkout.replies.DLT inventory.prices.DLT; do
  "$bin/kafka-topics.sh" --bootstrap-server "$server" --command-config "$login" \
    --create --if-not-exists --topic "$topic" --partitions 12 --replication-factor 1
done

# grant <user> <consumed topic> <group> <written topic>...
grant() {
  user=$1 consumes=$2 group=$3
  shift 3
  "$bin/kafka-acls.sh" --bootstrap-server "$server" --command-config "$login" --add \
    --allow-principal "User:$user" --operation Read --topic "$consumes" --group "$group"
  for topic in "$@"; do
    "$bin/kafka-acls.sh" --bootstrap-server "$server" --command-config "$login" --add \
      --allow-principal "User:$user" --operation Write --topic "$topic"
  done
}

grant checkout checkout.replies checkout-replies inventory.commands ledger.commands checkout.events checkout.replies.DLT
grant checkout inventory.prices checkout-prices inventory.prices.DLT
grant inventory inventory.commands inventory-commands checkout.replies inventory.events inventory.prices inventory.commands.DLT
grant ledger ledger.commands ledger-commands checkout.replies ledger.events ledger.commands.DLT

# transactional_id <user> <id>: the service's relay publishes in Kafka transactions under one id per service,
# <spring.application.name>-relay, the same on every instance (ADR 15). Kafka's WRITE implies DESCRIBE.
transactional_id() {
  "$bin/kafka-acls.sh" --bootstrap-server "$server" --command-config "$login" --add \
    --allow-principal "User:$1" --operation Write --transactional-id "$2" --resource-pattern-type literal
}

transactional_id checkout checkout-service-relay
transactional_id inventory inventory-service-relay
transactional_id ledger ledger-service-relay
