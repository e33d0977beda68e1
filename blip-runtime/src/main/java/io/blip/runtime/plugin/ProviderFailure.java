package io.blip.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ClassFileFormatVersion;
import java.util.OptionalInt;

/**
 * Why a provider class could not be loaded, made or asked its name, and what to do about it: the
 * error the JVM threw says what broke, the kind of error says what to do.
 */
final class ProviderFailure {
    /** Java N writes class files of major version N + 44 (Java 8: 52, Java 21: 65). */
    private static final int CLASS_FILE_MAJOR_OFFSET = 44;

    private ProviderFailure() {
    }

    /**
     * {@code <what broke>. <what to do>}, e.g. {@code java.lang.NoClassDefFoundError: com/acme/Base.
     * A class it needs ...}; for a provider class compiled for a newer Java, that Java's version.
     *
     * @param origin the plugin directory its jar is in ({@code plugins/acme}), or {@link Provider#BOOT}
     */
    static String explain(Throwable error, Module module, String className, String origin) {
        if (error instanceof UnsupportedClassVersionError) {
            OptionalInt major = newerClassFile(module, className);
            if (major.isPresent()) {
                int feature = Runtime.version().feature();
                int needs = major.getAsInt() - CLASS_FILE_MAJOR_OFFSET;
                return "it is compiled for Java " + needs + " (class file version " + major.getAsInt()
                        + "), newer than this Java " + feature + ". Run Blip on Java " + needs + " or newer, or use "
                        + "a build of it made for Java " + feature + ".";
            }
        }
        return describe(error) + ". " + advice(error, origin);
    }

    /**
     * What to do about an error a provider class threw.
     *
     * @param origin the plugin directory its jar is in ({@code plugins/acme}), or {@link Provider#BOOT}
     */
    static String advice(Throwable error, String origin) {
        if (origin.equals(Provider.BOOT) && error instanceof LinkageError) {
            return "The boot layer (lib/) is incomplete or mixes versions: reinstall Blip, and keep plugins in "
                    + "plugins/, not in lib/.";
        }
        int feature = Runtime.version().feature();
        String initializer = "Its static initialization failed: a provider class must load without failing and "
                + "without I/O. Use a fixed build of the plugin, or remove " + origin + "/.";
        return switch (error) {
            case UnsupportedClassVersionError e -> "A class it needs is compiled for a newer Java than this Java "
                    + feature + ": run Blip on a newer Java, or use a build of the plugin made for Java " + feature
                    + ".";
            case ExceptionInInitializerError e -> initializer;
            // A class whose initializer failed before: the first failure is the cause.
            case NoClassDefFoundError e when e.getCause() instanceof ExceptionInInitializerError -> initializer;
            case NoClassDefFoundError e -> "A class it needs is in no jar of " + origin + "/ and in no module it "
                    + "reads: add the jar that holds it to " + origin + "/, and require its module in the plugin's "
                    + "module-info.";
            case LinkageError e -> "It does not match the classes it was compiled against: use a build of the "
                    + "plugin made for this Blip, with the jars it was built with, in " + origin + "/.";
            default -> "A provider needs a public no-argument constructor (or a public static provider() method) "
                    + "that does no I/O.";
        };
    }

    /**
     * The error and the causes it has no message of its own for, e.g.
     * {@code java.lang.ExceptionInInitializerError: java.lang.IllegalStateException: boom}.
     */
    static String describe(Throwable error) {
        String text = error.toString();
        Throwable cause = error.getCause();
        return error.getMessage() == null && cause != null && cause != error ? text + ": " + describe(cause) : text;
    }

    /** The class file's major version when it is newer than this Java reads, else empty. */
    private static OptionalInt newerClassFile(Module module, String className) {
        // Class files are never encapsulated: any module may read another's as a resource.
        try (InputStream in = module.getResourceAsStream(className.replace('.', '/') + ".class")) {
            byte[] head = in == null ? new byte[0] : in.readNBytes(8);
            if (head.length < 8) {
                return OptionalInt.empty();
            }
            int major = (head[6] & 0xff) << 8 | head[7] & 0xff;
            return major > ClassFileFormatVersion.latest().major() ? OptionalInt.of(major) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }
}
