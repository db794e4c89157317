package till.infra.stack;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/** Files that hold passwords: readable and writable by their owner only, from the moment they exist. */
public final class PrivateFiles {

    private PrivateFiles() {}

    /** Writes {@code text} to {@code file}, replacing what it held. */
    public static void write(Path file, String text) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * As {@link #writeProperties}, whole or not at all: written beside the file, then moved into its place, so a
     * crash mid-write leaves the old file or the new one, never half of one.
     */
    public static void replaceProperties(Path file, Map<?, ?> settings, String comment) {
        Path written = file.resolveSibling(file.getFileName() + ".new");
        writeProperties(written, settings, comment);
        try {
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Writes the settings as a properties file, as Kafka's tools read them ({@code --command-config}). */
    public static void writeProperties(Path file, Map<?, ?> settings, String comment) {
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(String.valueOf(key), String.valueOf(value)));
        StringWriter text = new StringWriter();
        try {
            properties.store(text, comment);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, text.toString());
    }
}
