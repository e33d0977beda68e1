package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two tarballs, unpacked as a user unpacks them. The one with runtime/ runs where no JDK can be found: no
 * JAVA_HOME, no java on PATH, and, where an unprivileged mount namespace can be had ({@code unshare -rm}), an
 * empty /usr/lib/jvm. The one without runs on JAVA_HOME, and says what to do when there is no Java at all.
 */
class TarballsEndToEndTest {
    /** What bin/blip runs besides java: the only commands on PATH in these tests. */
    private static final List<String> TOOLS = List.of("bash", "readlink", "sed", "head", "find", "mkdir", "mv", "rm");
    private static EmbeddedMariaDb db;
    private static boolean mountNamespace;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = EmbeddedMariaDb.start();
        db.createUser("blip", "tar-password", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        mountNamespace = canHideJdks();
        if (!mountNamespace) {
            System.err.println("TarballsEndToEndTest: no mount namespace here (unshare -rm failed): "
                    + "/usr/lib/jvm stays visible; JAVA_HOME and PATH alone are cleared");
        }
    }

    /** Whether {@code unshare -rm} works here, and a tmpfs can be mounted over /usr/lib/jvm in its namespace. */
    private static boolean canHideJdks() throws InterruptedException {
        try {
            Process probe = new ProcessBuilder(which("unshare"), "-rm", "/bin/sh", "-c", which("mount")
                    + " -t tmpfs none /usr/lib/jvm").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void theTarballWithRuntimeRunsWithNoJdkReachableOnItsOwnAheadOfTimeCache() throws Exception {
        Path home = unpack(Dist.TARBALL_WITH_RUNTIME);
        String look = "command -v java" + (mountNamespace ? "; ls -A /usr/lib/jvm" : "") + "; true";
        assertEquals("", noJdk(List.of("/bin/sh", "-c", look)).stdout().strip(), "no java to be found but runtime/'s");
        Path password = work.resolve("password");
        Files.writeString(password, "tar-password\n");
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                mysql:
                  username: blip
                  password-file: %s
                monitors:
                  - id: tar
                    hostname: %s
                """.formatted(password, db.hostPort()));
        ProcessBuilder pb = new ProcessBuilder(wrap(List.of(home.resolve("bin/blip").toString(), "--config",
                config.toString()))).directory(work.toFile()).redirectError(work.resolve("stderr.txt").toFile());
        noJdkEnvironment(pb.environment());
        Process blip = pb.start();
        OutputWatcher stdout = OutputWatcher.of("stdout", blip.getInputStream());
        try {
            // The first start makes the ahead-of-time cache with runtime/'s java (a few seconds), then collects.
            try {
                stdout.await("a collection", o -> o.contains("\nstatus.global.queries = "), Duration.ofSeconds(90));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nstderr:\n" + Files.readString(work.resolve("stderr.txt")), e);
            }
            // unshare and sh exec: the process is java itself.
            Path exe = Files.readSymbolicLink(Path.of("/proc", String.valueOf(blip.pid()), "exe"));
            assertEquals(home.resolve("runtime/bin/java").toRealPath(), exe, "runs on runtime/bin/java");
            String maps = Files.readString(Path.of("/proc", String.valueOf(blip.pid()), "maps"));
            String lib = home.resolve("lib").toRealPath() + "/blip-";
            assertTrue(maps.lines().anyMatch(l -> l.contains(lib) && l.endsWith(".aot")),
                    "the cache runtime/'s java made, in lib/, is mapped");
            assertFalse(maps.contains("/usr/lib/jvm/"), "nothing of a JDK under /usr/lib/jvm is mapped");
            blip.destroy(); // SIGTERM
            if (!blip.waitFor(10, TimeUnit.SECONDS)) {
                fail("bin/blip did not stop within 10 s of SIGTERM");
            }
            assertEquals(143, blip.exitValue());
        } finally {
            blip.destroyForcibly();
        }
    }

    @Test
    void thePlainTarballRunsOnJavaHome() throws Exception {
        Path home = unpack(Dist.TARBALL);
        assertFalse(Files.exists(home.resolve("runtime")), "no runtime/ in " + Dist.TARBALL);
        String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        // /usr/lib/jvm stays: JAVA_HOME is there. PATH has no java.
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/blip").toString(), "--version").directory(work.toFile());
        noJdkEnvironment(pb.environment());
        pb.environment().putAll(Map.of("JAVA_HOME", javaHome, "BLIP_AOT", "off", "JAVA_OPTS", "-XshowSettings:properties"));
        Result r = run(pb);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains(Dist.VERSION), r.toString());
        assertTrue(r.stderr().contains("java.home = " + javaHome + "\n"), "runs on JAVA_HOME:\n" + r);
    }

    @Test
    void thePlainTarballWithNoJavaAnywhereSaysWhatToDo() throws Exception {
        Assumptions.assumeTrue(mountNamespace, "needs unshare -rm to hide /usr/lib/jvm");
        Path home = unpack(Dist.TARBALL);
        Result r = noJdk(List.of(home.resolve("bin/blip").toString(), "--version"));
        assertEquals(1, r.exit(), r.toString());
        assertEquals("""
                blip: Blip needs Java 21 or newer, and found none.
                blip: looked at $JAVA_HOME, java on PATH and /usr/lib/jvm/*/bin/java: no java there.
                blip: install a JDK 21+ (e.g. Temurin 21) or set JAVA_HOME to one; or use \
                blip-<version>-linux-x64.tar.gz, which brings its own Java in runtime/.
                """, r.stderr());
    }

    private Path unpack(Path tarball) throws Exception {
        Path into = Files.createTempDirectory(work, "unpacked");
        Result tar = run(new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", into.toString()));
        assertEquals(0, tar.exit(), tar.toString());
        return into.resolve("blip-" + Dist.VERSION);
    }

    /** No JAVA_HOME, no JAVA_OPTS; PATH holds bin/blip's tools alone (links in a directory of the test's own). */
    private void noJdkEnvironment(Map<String, String> env) throws IOException {
        Path tools = work.resolve("tools");
        if (!Files.isDirectory(tools)) {
            Files.createDirectory(tools);
            for (String tool : TOOLS) {
                Files.createSymbolicLink(tools.resolve(tool), Path.of(which(tool)));
            }
            Files.createSymbolicLink(tools.resolve("sh"), tools.resolve("bash"));
        }
        env.clear();
        env.put("PATH", tools.toString());
        env.put("HOME", work.toString());
    }

    /** The command in a mount namespace where /usr/lib/jvm is an empty tmpfs, when one can be had. */
    private static List<String> wrap(List<String> command) {
        if (!mountNamespace) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(which("unshare"), "-rm", "/bin/sh", "-c",
                which("mount") + " -t tmpfs none /usr/lib/jvm && exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static String which(String tool) {
        return Stream.of("/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/").map(d -> Path.of(d + tool)).filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new AssertionError(tool + " in /usr/bin, /bin, /usr/sbin or /sbin")).toString();
    }

    private Result noJdk(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(wrap(command)).directory(work.toFile());
        noJdkEnvironment(pb.environment());
        return run(pb);
    }

    private Result run(ProcessBuilder pb) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(pb.command() + " did not finish in 120 s");
        }
        return new Result(pb.command(), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(List<String> command, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exit + "\nstdout:\n" + stdout + "stderr:\n" + stderr;
        }
    }
}
