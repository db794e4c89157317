package till.infra.tools;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import till.infra.stack.PrivateFiles;

/**
 * {@code ./run kafka <tool> [args]}: Kafka's own console tools (from Maven Central's kafka-tools) against the
 * running stack, with {@code --bootstrap-server} filled in from {@code .stack/env} unless given, logged in as the
 * operator ({@code --command-config}). {@code console-consumer} reads with {@code --isolation-level read_committed}
 * unless the caller sets the isolation level: the relay publishes in Kafka transactions (ADR 15), and a
 * {@code read_uncommitted} reader would also see the records of aborted ones.
 */
public final class KafkaTool {

    private static final Map<String, String> TOOLS = new TreeMap<>(Map.ofEntries(
            Map.entry("topics", "org.apache.kafka.tools.TopicCommand"),
            Map.entry("acls", "org.apache.kafka.tools.AclCommand"),
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

    private static final List<String> CONFIG_FILE_OPTIONS =
            List.of("--command-config", "--consumer.config", "--producer.config");

    private KafkaTool() {}

    /** A file of the client settings, readable by its owner only and deleted when the tool exits. */
    private static Path commandConfig(Map<String, Object> settings) throws IOException {
        Path file = Files.createTempFile("till-kafka-", ".properties");
        file.toFile().deleteOnExit();
        PrivateFiles.writeProperties(file, settings, "./run kafka: the operator's login to the stack's broker");
        return file;
    }

    public static void main(String[] args) throws Throwable {
        if (args.length == 0
                || !TOOLS.containsKey(args[0].replaceFirst("^kafka-", "").replaceFirst("\\.sh$", ""))) {
            System.err.println("usage: ./run kafka <tool> [args]   tools: " + String.join(", ", TOOLS.keySet()));
            System.err.println("e.g.   ./run kafka console-consumer --topic inventory.commands --from-beginning");
            System.exit(2);
        }
        String tool = args[0].replaceFirst("^kafka-", "").replaceFirst("\\.sh$", "");
        List<String> toolArgs = new ArrayList<>(List.of(args).subList(1, args.length));
        if (!toolArgs.contains("--help")) {
            Map<String, Object> kafka = new HashMap<>(StackEnv.kafkaClientConfig());
            Object bootstrapServers = kafka.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
            if (!toolArgs.contains("--bootstrap-server")) {
                toolArgs.addAll(0, List.of("--bootstrap-server", String.valueOf(bootstrapServers)));
            }
            // Every tool here reads its client's settings from --command-config: the operator's login, unless the
            // caller brings a file of their own. First, as --bootstrap-server: the tools with subcommands
            // (transactions, metadata-quorum) take their common options only before the subcommand.
            if (!kafka.isEmpty() && Collections.disjoint(toolArgs, CONFIG_FILE_OPTIONS)) {
                toolArgs.addAll(
                        0, List.of("--command-config", commandConfig(kafka).toString()));
            }
            // Till's topics are read committed (ADR 15): read_uncommitted shows aborted transactions' records too.
            if (tool.equals("console-consumer")
                    && toolArgs.stream()
                            .noneMatch(arg -> arg.startsWith("--isolation-level") || arg.contains("isolation.level"))) {
                toolArgs.addAll(List.of("--isolation-level", "read_committed"));
            }
        }
        try {
            Class.forName(TOOLS.get(tool)).getMethod("main", String[].class).invoke(null, (Object)
                    toolArgs.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
