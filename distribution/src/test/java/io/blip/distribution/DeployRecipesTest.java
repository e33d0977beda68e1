package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The recipes of deploy/ (Docker, systemd, Kubernetes): each through the validators the package registries
 * offer (yamllint, systemd-analyze, shellcheck from Debian; dockerfilelint and kubernetes-models' schemas from
 * npm, in src/test/validators), then the facts they must agree on with Blip and with one another, and the
 * configs they ship booted by bin/blip of the built distribution.
 *
 * <p>./dev test installs the validators; where one is missing, its test is skipped, and fails under CI
 * ({@code CI=true}).
 */
class DeployRecipesTest {
    private static final Path DEPLOY = Path.of(System.getProperty("blip.deploy", "../deploy")).toAbsolutePath().normalize();
    private static final Path VALIDATORS = Path.of(System.getProperty("blip.validators", "src/test/validators"))
            .toAbsolutePath().normalize();
    private static final Path K8S = DEPLOY.resolve("kubernetes");
    /** Blip's API port, as the recipes bind it (api.bind: 0.0.0.0:7522; Blip's default is 127.0.0.1:7522). */
    private static final int API_PORT = 7522;
    private static final long BOOT_SECONDS = 90;

    @TempDir
    Path work;

    // ---- validators ----

    @Test
    void yamllintFindsNothing() throws Exception {
        Path yamllint = tool("yamllint", "/usr/bin/yamllint", "apt-get install yamllint");
        Dist.Result r = run(List.of(yamllint.toString(), "-s", "-f", "parsable", "-c", DEPLOY.resolve(".yamllint").toString(),
                DEPLOY.toString()));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.stdout() + r.stderr(), r.toString());
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithTheDistributionInPlace() throws Exception {
        Path analyze = tool("systemd-analyze", "/usr/bin/systemd-analyze", "apt-get install systemd");
        Path unit = unitWithThisDistribution();
        Dist.Result r = run(List.of(analyze.toString(), "verify", unit.toString()));
        // verify exits 0 on an unknown key or a bad value, which it only prints: any output is a finding.
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.stdout() + r.stderr(), r.toString());
    }

    @Test
    void systemdAnalyzeSecurityRatesTheSandboxOk() throws Exception {
        Path analyze = tool("systemd-analyze", "/usr/bin/systemd-analyze", "apt-get install systemd");
        Dist.Result r = run(List.of(analyze.toString(), "security", "--offline=true", "--no-pager",
                unitWithThisDistribution().toString()));
        assertEquals(0, r.exit(), r.toString());
        Matcher level = Pattern.compile("Overall exposure level for blip\\.service: (\\d+\\.\\d+) (\\w+)").matcher(r.stdout());
        assertTrue(level.find(), r.toString());
        assertTrue(Double.parseDouble(level.group(1)) <= 2.0, "exposure " + level.group(1) + " " + level.group(2)
                + " (at most 2.0):\n" + r.stdout());
    }

    @Test
    void shellcheckFindsNothingInTheHealthcheck() throws Exception {
        Path shellcheck = tool("shellcheck", "/usr/bin/shellcheck", "apt-get install shellcheck");
        Dist.Result r = run(List.of(shellcheck.toString(), DEPLOY.resolve("docker/blip-healthcheck").toString()));
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void dockerfilelintFindsNothing() throws Exception {
        Path node = tool("node", "/usr/bin/node", "Node.js");
        Path lint = npmTool("dockerfilelint/bin/dockerfilelint");
        Dist.Result r = run(List.of(node.toString(), lint.toString(), "-o", "json", DEPLOY.resolve("docker/Dockerfile").toString()));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("\"totalIssues\":0"), r.toString());
    }

    @Test
    void theManifestsMatchTheKubernetesSchemas() throws Exception {
        Path node = tool("node", "/usr/bin/node", "Node.js");
        npmTool("kubernetes-models/package.json");
        List<String> command = new ArrayList<>(List.of(node.toString(), VALIDATORS.resolve("kubernetes.mjs").toString()));
        List<Path> manifests = manifests();
        manifests.forEach(m -> command.add(m.toString()));
        Dist.Result r = run(command);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(manifests.size() - 1, r.stdout().lines().filter(l -> l.contains(": valid ")).count(),
                "every manifest but the kustomization checked:\n" + r);
    }

    // ---- facts ----

    @Test
    void theStatefulSetShardsByOrdinalWithBlipShardCountEqualToReplicas() throws IOException {
        Map<String, Object> set = manifest("statefulset.yaml");
        Map<String, Object> spec = map(set, "spec");
        Map<String, Object> container = container();
        assertEquals(String.valueOf(spec.get("replicas")), env(container).get("BLIP_SHARD_COUNT"),
                "BLIP_SHARD_COUNT = replicas");
        assertEquals("auto", map(blipYaml(), "monitor-loader").get("shard"), "monitor-loader.shard in the ConfigMap");
        Map<String, Object> service = manifest("service.yaml");
        assertEquals(map(service, "metadata").get("name"), spec.get("serviceName"));
        assertEquals("None", map(service, "spec").get("clusterIP"), "a headless Service");
        Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
        assertEquals(podLabels, map(map(service, "spec"), "selector"));
        assertEquals(podLabels, map(map(map(manifest("poddisruptionbudget.yaml"), "spec"), "selector"), "matchLabels"));
        assertEquals(podLabels, map(map(map(manifest("servicemonitor.yaml"), "spec"), "selector"), "matchLabels"));
        assertEquals(podLabels, map(map(spec, "selector"), "matchLabels"));
    }

    @Test
    void theProbesAskBlipsApiOnTheBoundPort() throws IOException {
        Map<String, Object> container = container();
        assertEquals("0.0.0.0:" + API_PORT, map(blipYaml(), "api").get("bind"));
        List<Map<String, Object>> ports = list(container, "ports");
        assertEquals(List.of(Map.of("name", "api", "containerPort", API_PORT)), ports);
        for (var probe : Map.of("startupProbe", "/health", "livenessProbe", "/health", "readinessProbe", "/ready")
                .entrySet()) {
            Map<String, Object> get = map(map(container, probe.getKey()), "httpGet");
            assertEquals(probe.getValue(), get.get("path"), probe.getKey());
            assertEquals("api", get.get("port"), probe.getKey());
        }
        Map<String, Object> annotations = map(map(map(map(manifest("statefulset.yaml"), "spec"), "template"),
                "metadata"), "annotations");
        assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(API_PORT),
                "prometheus.io/path", "/metrics"), annotations);
        assertEquals(List.of(Map.of("port", "api", "path", "/metrics", "interval", "30s")),
                list(map(manifest("servicemonitor.yaml"), "spec"), "endpoints"));
        assertEquals(List.of(Map.of("name", "api", "port", API_PORT, "targetPort", "api")),
                list(map(manifest("service.yaml"), "spec"), "ports"));
    }

    @Test
    void thePodRunsAsTheImagesUserOnAReadOnlyRootWithNoCapabilities() throws IOException {
        Map<String, Object> pod = map(map(map(manifest("statefulset.yaml"), "spec"), "template"), "spec");
        Map<String, Object> podSecurity = map(pod, "securityContext");
        assertEquals(true, podSecurity.get("runAsNonRoot"));
        assertEquals(dockerfileUser(), podSecurity.get("runAsUser"), "runAsUser = the Dockerfile's USER");
        assertEquals(Map.of("type", "RuntimeDefault"), podSecurity.get("seccompProfile"));
        Map<String, Object> security = map(container(), "securityContext");
        assertEquals(true, security.get("readOnlyRootFilesystem"));
        assertEquals(false, security.get("allowPrivilegeEscalation"));
        assertEquals(Map.of("drop", List.of("ALL")), security.get("capabilities"));
        assertTrue((Integer) pod.get("terminationGracePeriodSeconds") > 10, "more than Blip's 10 s stop");
        Map<String, Object> resources = map(container(), "resources");
        assertTrue(map(resources, "limits").containsKey("memory") && map(resources, "requests").containsKey("cpu"),
                resources.toString());
    }

    @Test
    void theMountsGiveBlipItsConfigItsPasswordFileAndAWritableTmp() throws IOException {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Map<String, Object> mount : list(container(), "volumeMounts")) {
            mounts.put((String) mount.get("name"), (String) mount.get("mountPath"));
        }
        assertEquals(Map.of("config", "/etc/blip", "mysql-password", "/etc/blip/secrets", "tmp", "/tmp"), mounts);
        assertEquals(List.of("--config", "/etc/blip/blip.yaml"), container().get("args"));
        String passwordFile = (String) map(blipYaml(), "mysql").get("password-file");
        Map<String, Object> secretData = map(manifest("secret.yaml"), "stringData");
        assertEquals("/etc/blip/secrets/" + secretData.keySet().iterator().next(), passwordFile);
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (Map<String, Object> v : list(map(map(map(manifest("statefulset.yaml"), "spec"), "template"), "spec"),
                "volumes")) {
            volumes.put((String) v.get("name"), v);
        }
        assertEquals("blip-mysql", map(map(volumes, "mysql-password"), "secret").get("secretName"));
        assertEquals(map(manifest("secret.yaml"), "metadata").get("name"), "blip-mysql");
        assertEquals(map(manifest("configmap.yaml"), "metadata").get("name"),
                map(map(volumes, "config"), "configMap").get("name"));
    }

    @Test
    void theServiceAccountIsAnIrsaExampleAndTheKustomizationListsEveryManifestButTheServiceMonitor() throws IOException {
        Map<String, Object> account = manifest("serviceaccount.yaml");
        assertTrue(((String) map(map(account, "metadata"), "annotations").get("eks.amazonaws.com/role-arn"))
                .startsWith("arn:aws:iam::"));
        assertEquals(map(account, "metadata").get("name"),
                map(map(map(manifest("statefulset.yaml"), "spec"), "template"), "spec").get("serviceAccountName"));
        List<String> expected = manifests().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml") && !n.equals("servicemonitor.yaml")).sorted().toList();
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) manifest("kustomization.yaml").get("resources");
        assertEquals(expected, resources.stream().sorted().toList());
    }

    @Test
    void theDockerfileExposesTheApiAndExporterPortsAndRunsAsANumericUser() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        assertTrue(dockerfile.contains("\nEXPOSE " + API_PORT + " 9104\n"), dockerfile);
        assertEquals(10001, dockerfileUser());
        assertTrue(dockerfile.contains("BLIP_CONFIG=/etc/blip/blip.yaml"), dockerfile);
        assertTrue(dockerfile.contains("COPY deploy/docker/blip.yaml /etc/blip/blip.yaml"), dockerfile);
        assertTrue(dockerfile.contains("CMD [\"/usr/local/bin/blip-healthcheck\"]"), dockerfile);
        assertTrue(dockerfile.contains("VOLUME [\"/tmp\"]"), dockerfile);
        Map<String, Object> imageConfig = load(DEPLOY.resolve("docker/blip.yaml"));
        assertEquals("0.0.0.0:" + API_PORT, map(imageConfig, "api").get("bind"));
    }

    @Test
    void theUnitReloadsOnHupAndWaitsLongerThanBlipsStop() throws IOException {
        List<String> unit = Files.readAllLines(DEPLOY.resolve("systemd/blip.service"));
        for (String line : List.of("ExecReload=/bin/kill -HUP $MAINPID", "KillSignal=SIGTERM", "Restart=on-failure",
                "DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
                "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                "SystemCallFilter=@system-service", "EnvironmentFile=-/etc/blip/blip.env")) {
            assertTrue(unit.contains(line), line + " in blip.service");
        }
        assertTrue(unit.stream().noneMatch(l -> l.startsWith("MemoryDenyWriteExecute")), "the JIT writes code");
        int stop = unit.stream().filter(l -> l.startsWith("TimeoutStopSec=")).map(l -> Integer.parseInt(l.substring(15)))
                .findFirst().orElseThrow();
        assertTrue(stop > 10, "TimeoutStopSec above Blip's 10 s");
    }

    // ---- the shipped configs, booted ----

    /**
     * The ConfigMap's blip.yaml is a config bin/blip loads, as a pod of the StatefulSet runs it: its
     * {@code shard: auto} reads the pod's hostname and {@code BLIP_SHARD_COUNT}.
     */
    @Test
    void theConfigMapsBlipYamlBoots() throws Exception {
        Map<String, Object> config = blipYaml();
        assertEquals("auto", map(config, "monitor-loader").get("shard"));
        Path file = work.resolve("blip.yaml");
        Files.writeString(file, new Dump(DumpSettings.builder().build()).dumpToString(config));
        Map<String, String> env = new LinkedHashMap<>();
        environment(env);
        env.put("HOSTNAME", "blip-1");
        env.put("BLIP_SHARD_COUNT", "2");
        Dist.Result r = Dist.run(List.of(Dist.HOME.resolve("bin/blip").toString(), "--config", file.toString(),
                "--print-config"), work, env);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("password-file: /etc/blip/secrets/mysql-password"), r.toString());
        assertTrue(r.stdout().contains("shard: auto"), r.toString());
    }

    @Test
    void theImagesBlipYamlBoots() throws Exception {
        Dist.Result r = blip("--config", DEPLOY.resolve("docker/blip.yaml").toString(), "--print-config");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("bind: 0.0.0.0:" + API_PORT), r.toString());
    }

    /** The image's HEALTHCHECK (bash alone) against a running bin/blip: 0 while it serves, 1 where nothing does. */
    @Test
    void theHealthcheckPassesAgainstARunningBlipAndFailsWithoutOne() throws Exception {
        int port = freePort();
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, Files.readString(DEPLOY.resolve("docker/blip.yaml"))
                .replace("bind: 0.0.0.0:" + API_PORT, "bind: 127.0.0.1:" + port));
        String healthcheck = DEPLOY.resolve("docker/blip-healthcheck").toString();
        assertEquals(1, run(List.of(healthcheck, Integer.toString(port))).exit(), "nothing listens yet");

        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(),
                "--log").directory(work.toFile());
        environment(pb.environment());
        Process blip = pb.start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            said.await(() -> out.text().contains("boot-success") || out.ended(), Duration.ofSeconds(BOOT_SECONDS),
                    () -> "boot-success:\n" + out.text() + err.text());
            Dist.Result ok = run(List.of(healthcheck, Integer.toString(port)));
            assertEquals(0, ok.exit(), ok + "\nblip:\n" + out.text() + err.text());
            blip.destroy();
            assertTrue(blip.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s of SIGTERM");
        } finally {
            blip.destroyForcibly();
        }
        assertEquals(1, run(List.of(healthcheck, Integer.toString(port))).exit(), "Blip has stopped");
    }

    // ---- helpers ----

    /** A validator at its Debian path; where it is missing, the test is skipped, or fails under CI. */
    private static Path tool(String name, String path, String install) {
        Path tool = Path.of(path);
        if (!Files.isExecutable(tool)) {
            missing(name + " (" + path + ") is not installed; ./dev test installs it (" + install + ")");
        }
        return tool;
    }

    /** A file of the npm validators, installed by ./dev test with npm ci in src/test/validators. */
    private static Path npmTool(String file) {
        Path tool = VALIDATORS.resolve("node_modules").resolve(file);
        if (!Files.exists(tool)) {
            missing(tool + " is missing; ./dev test installs it (npm ci --prefix distribution/src/test/validators)");
        }
        return tool;
    }

    private static void missing(String message) {
        if ("true".equals(System.getenv("CI")) || "1".equals(System.getenv("BLIP_REQUIRE_DEPLOY_VALIDATORS"))) {
            fail(message + "; under CI the deploy validators must run");
        }
        Assumptions.abort("SKIPPED: " + message);
    }

    private Path unitWithThisDistribution() throws IOException {
        Path unit = work.resolve("blip.service");
        Files.writeString(unit, Files.readString(DEPLOY.resolve("systemd/blip.service"))
                .replace("ExecStart=/opt/blip/bin/blip", "ExecStart=" + Dist.HOME.resolve("bin/blip")));
        return unit;
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Map<String, Object> manifest(String name) throws IOException {
        return load(K8S.resolve(name));
    }

    /** The ConfigMap's blip.yaml. */
    private static Map<String, Object> blipYaml() throws IOException {
        return cast(new Load(LoadSettings.builder().build()).loadFromString(
                (String) map(manifest("configmap.yaml"), "data").get("blip.yaml")));
    }

    private static Map<String, Object> container() throws IOException {
        List<Map<String, Object>> containers = list(map(map(map(manifest("statefulset.yaml"), "spec"), "template"),
                "spec"), "containers");
        assertEquals(1, containers.size());
        return containers.getFirst();
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : list(container, "env")) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        return env;
    }

    private static int dockerfileUser() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(Files.readString(DEPLOY.resolve("docker/Dockerfile")));
        assertTrue(user.find(), "USER uid:gid in the Dockerfile");
        return Integer.parseInt(user.group(1));
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return cast(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof Map, key + " is a mapping in " + parent);
        return cast(value);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertTrue(value instanceof List, key + " is a list in " + parent);
        return (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** bin/blip's environment here: this JVM's JDK, and no ahead-of-time cache, as the image runs it. */
    private static void environment(Map<String, String> env) {
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("BLIP_AOT", "off");
        env.remove("JAVA_OPTS");
        env.remove("BLIP_PLUGINS");
    }

    private Dist.Result blip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Dist.HOME.resolve("bin/blip").toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private Dist.Result run(List<String> command) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        environment(env);
        return Dist.run(command, work, env);
    }
}
