package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/**
 * Every fenced block of {@code docs/runbook.md}, run as an operator would against the shared stack: SQL in each
 * service's database, shell commands with bash from a directory whose {@code .stack} is the stack's work directory
 * and whose {@code ./run} is the project's. One dynamic test per block, so a block that cannot run here is
 * reported as skipped with its reason rather than passing unseen.
 */
class RunbookIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCED = Pattern.compile("(?ms)^```[a-z]*\\n(.*?)^```");
    private static final Duration PER_BLOCK = Duration.ofSeconds(90);

    @TestFactory
    Stream<DynamicTest> everyCommandInTheRunbookRuns() throws IOException {
        String runbook = Files.readString(ROOT.resolve("docs/runbook.md"));
        List<String> blocks = new ArrayList<>();
        Matcher block = FENCED.matcher(runbook);
        while (block.find()) {
            blocks.add(block.group(1));
        }
        assertThat(blocks).as("fenced blocks in the runbook").hasSizeGreaterThanOrEqualTo(8);
        return blocks.stream().map(text -> DynamicTest.dynamicTest(firstLine(text), () -> run(text)));
    }

    private static void run(String block) throws Exception {
        Stack stack = SharedStack.get();
        // This test runs after its build's package phase, so everything ./run needs is built: mark it so, or a
        // source edited since the classpath file was last written would make ./run start a Maven build of its own.
        Files.setLastModifiedTime(ROOT.resolve("infra/target/runtime.classpath"), FileTime.from(Instant.now()));
        if (block.stripLeading().startsWith("SELECT")) {
            sql(stack, block);
            return;
        }
        assumeTrue(
                !block.contains("pg_restore"),
                "restoring over the databases of a running shared stack would undo the other tests' data; the"
                        + " runbook restores into a stack started empty");
        if (block.contains("pg_dump")) {
            assumeTrue(pgDumpIsAtLeast18(), "pg_dump 18 or newer is not on the PATH here (the runbook requires it)");
        }
        String script = block;
        if (block.contains("<CloudEvent id>")) {
            script = block.replace("<CloudEvent id>", deadLetterOfOurOwn(stack));
        }
        Result result = bash(stack, script);
        assertThat(result.exit())
                .as("exit status of\n%s\noutput:\n%s", script, result.output())
                .isZero();
        if (block.contains("./run replay")) {
            // Each of the three commands replays at least the dead letter this test made (the second puts it back
            // on the DLT, so the third may find two copies of it).
            assertThat(result.output()).contains("would replay ").containsPattern("(?m)^replayed [1-9]\\d* record");
        }
        if (block.contains("topics --list")) {
            assertThat(result.output()).contains("checkout.replies", "inventory.commands.DLT");
        }
    }

    /** Each statement in each service's database, as the service's own role: it must run. */
    private static void sql(Stack stack, String block) throws SQLException {
        for (TillService.Name name : TillService.Name.values()) {
            try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(name), name.id(), name.id());
                    Statement statement = connection.createStatement()) {
                for (String sql : block.split(";")) {
                    String query = sql.replaceAll("--[^\\n]*", "").strip();
                    if (query.isEmpty()) {
                        continue;
                    }
                    try (ResultSet rows = statement.executeQuery(query)) {
                        while (rows.next()) {
                            // Read to the end: an error in a later row's expression surfaces here.
                        }
                    }
                }
            }
        }
    }

    /** A record with a type no service knows, sent to inventory.commands: it is dead-lettered at once. */
    private static String deadLetterOfOurOwn(Stack stack) throws Exception {
        String id = UUID.randomUUID().toString();
        String product = "runbook-" + id;
        String value = """
                {"specversion":"1.0","id":"%s","type":"till.inventory.Nope","source":"/runbook-test",\
                "subject":"%s","data":{"productId":"%s"}}""".formatted(id, product, product);
        Properties config = new Properties();
        config.putAll(stack.kafkaClientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>("inventory.commands", product, value))
                    .get(30, TimeUnit.SECONDS);
        }
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() ->
                        till.infra.tools.Replay.replay(stack.kafkaClientConfig(), "inventory.commands.DLT", id, true)
                                == 1);
        return id;
    }

    private record Result(int exit, String output) {}

    private static Result bash(Stack stack, String script) throws IOException, InterruptedException {
        Path sandbox = SharedStack.throwAwayDir(ROOT, "runbook-");
        Files.createSymbolicLink(
                sandbox.resolve(".stack"), stack.options().workDir().toAbsolutePath());
        Path run = sandbox.resolve("run");
        Files.writeString(run, "#!/bin/sh\nexec '" + ROOT.resolve("run") + "' \"$@\"\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path output = sandbox.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .directory(sandbox.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The broker and the operator's login from the environment, as against compose's broker (docs/runbook.md).
        stack.env().forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        if (!process.waitFor(PER_BLOCK.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("still running after " + PER_BLOCK + ":\n" + script + "\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static boolean pgDumpIsAtLeast18() {
        try {
            Process version = new ProcessBuilder("pg_dump", "--version")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor(10, TimeUnit.SECONDS);
            Matcher major = Pattern.compile("(\\d+)\\.").matcher(text);
            return major.find() && Integer.parseInt(major.group(1)) >= 18;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String firstLine(String block) {
        return block.lines().findFirst().orElse("").strip();
    }
}
