package till.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package of the service says what it is for and is null-marked. */
class PackageStructureTest {

    @Test
    void everyPackageHasANullMarkedPackageInfo() throws IOException {
        List<Path> packages;
        try (Stream<Path> dirs = Files.walk(Path.of("src", "main", "java", "till", "ledger"))) {
            packages = dirs.filter(Files::isDirectory).toList();
        }
        assertThat(packages).hasSizeGreaterThanOrEqualTo(5);
        for (Path dir : packages) {
            Path info = dir.resolve("package-info.java");
            assertThat(info).as("package-info in " + dir).exists();
            String text = Files.readString(info);
            assertThat(text).contains("@NullMarked").contains("/**");
        }
    }
}
