package till.infra.tools;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./run kafka <tool> [args]}: Kafka's own console tools (from Maven Central's kafka-tools) against the
 * running stack, with {@code --bootstrap-server} filled in from {@code .stack/env} unless given.
 */
public final class KafkaTool {

    private static final Map<String, String> TOOLS = new TreeMap<>(Map.ofEntries(
            Map.entry("topics", "org.apache.kafka.tools.TopicCommand"),
            Map.entry("console-consumer", "org.apache.kafka.tools.consumer.ConsoleConsumer"),
            Map.entry("console-producer", "org.apache.kafka.tools.ConsoleProducer"),
            Map.entry("consumer-groups", "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"),
            Map.entry("groups", "org.apache.kafka.tools.GroupsCommand"),
            Map.entry("get-offsets", "org.apache.kafka.tools.GetOffsetShell"),
            Map.entry("delete-records", "org.apache.kafka.tools.DeleteRecordsCommand"),
            Map.entry("log-dirs", "org.apache.kafka.tools.LogDirsCommand"),
            Map.entry("metadata-quorum", "org.apache.kafka.tools.MetadataQuorumCommand"),
            Map.entry("transactions", "org.apache.kafka.tools.TransactionsCommand"),
            Map.entry("producer-perf-test", "org.apache.kafka.tools.ProducerPerformance"),
            Map.entry("consumer-perf-test", "org.apache.kafka.tools.ConsumerPerformance")));

    private KafkaTool() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0
                || !TOOLS.containsKey(args[0].replaceFirst("^kafka-", "").replaceFirst("\\.sh$", ""))) {
            System.err.println("usage: ./run kafka <tool> [args]   tools: " + String.join(", ", TOOLS.keySet()));
            System.err.println("e.g.   ./run kafka console-consumer --topic inventory.commands --from-beginning");
            System.exit(2);
        }
        String tool = args[0].replaceFirst("^kafka-", "").replaceFirst("\\.sh$", "");
        List<String> toolArgs = new ArrayList<>(List.of(args).subList(1, args.length));
        if (!toolArgs.contains("--bootstrap-server") && !toolArgs.contains("--help")) {
            toolArgs.addAll(0, List.of("--bootstrap-server", StackEnv.kafkaBootstrapServers()));
        }
        try {
            Class.forName(TOOLS.get(tool)).getMethod("main", String[].class).invoke(null, (Object)
                    toolArgs.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
