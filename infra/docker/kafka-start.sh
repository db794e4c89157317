#!/bin/sh
# Till's broker in docker-compose.yml, secured as the embedded stack's (infra/.../stack/KafkaBroker.java): every
# client logs in with SASL/SCRAM-SHA-512, the broker's own controller listener with SASL/PLAIN (KRaft cannot check
# SCRAM there), the StandardAuthorizer denies what no ACL allows (kafka-acls.sh grants them), and the operator
# and the broker are super users. The SCRAM credentials go into the metadata log when the storage is formatted.
set -eu
: "${KAFKA_OPERATOR_PASSWORD:?}" "${KAFKA_BROKER_PASSWORD:?}" "${KAFKA_CHECKOUT_PASSWORD:?}"
: "${KAFKA_INVENTORY_PASSWORD:?}" "${KAFKA_LEDGER_PASSWORD:?}"
config=/tmp/server.properties
umask 077
cat >"$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=INTERNAL://:9092,CONTROLLER://:9093,HOST://:29092
advertised.listeners=INTERNAL://kafka:9092,HOST://localhost:29092
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$KAFKA_BROKER_PASSWORD";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$KAFKA_BROKER_PASSWORD" user_broker="$KAFKA_BROKER_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:operator;User:broker
log.dirs=/var/lib/kafka/data
num.partitions=12
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
min.insync.replicas=1
unclean.leader.election.enable=false
PROPERTIES
# The operator's login, for the health check and kafka-acls.sh.
cat >/tmp/operator.properties <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="operator" password="$KAFKA_OPERATOR_PASSWORD";
PROPERTIES
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
  -c "$config" \
  --add-scram "SCRAM-SHA-512=[name=operator,password=$KAFKA_OPERATOR_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=broker,password=$KAFKA_BROKER_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=checkout,password=$KAFKA_CHECKOUT_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=inventory,password=$KAFKA_INVENTORY_PASSWORD]" \
  --add-scram "SCRAM-SHA-512=[name=ledger,password=$KAFKA_LEDGER_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
