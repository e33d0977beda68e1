package io.blip.runtime.config;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.monitor.MonitorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    /** A config as a Blip user writes it (docs/content/config/*.md), with monitor defaults. */
    static final String BLIP_YAML = """
            ---
            # Server config
            api:
              bind: 127.0.0.1:9070
            monitor-loader:
              stop-loss: 50%
              local:
                disable-auto: true
              aws:
                regions: [us-east-1, auto]

            # Monitor defaults
            mysql:
              username: metrics
              password-file: /secrets/blip-password
              timeout-connect: 5s
            tags:
              env: ${ENVIRONMENT:-dev}
              dc: ${DATACENTER:-local}
              hostname: "%{monitor.hostname}"
            sinks:
              log: {}
              signalfx:
                auth-token: ${SFX_TOKEN}
            plans:
              files: plans/kpi.yaml
            heartbeat:
              freq: 1s
            ha: {}

            monitors:
              - hostname: db1.local:3306
                tags:
                  env: prod
                sinks:
                  signalfx:
                    auth-token: other-token
              - id: db2
                socket: /var/run/mysqld/mysqld.sock
                password: "${DB2_PASSWORD}"
                meta:
                  region: us-west-2
                tags:
                  region: "%{monitor.meta.region}"
                heartbeat:
                  role: replica
            """;

    /** The same config in HOCON. */
    static final String BLIP_CONF = """
            # Server config
            api { bind = "127.0.0.1:9070" }
            monitor-loader {
              stop-loss = "50%"
              local { disable-auto = true }
              aws { regions = [us-east-1, auto] }
            }

            # Monitor defaults
            mysql {
              username = metrics
              password-file = "/secrets/blip-password"
              timeout-connect = 5s
            }
            tags {
              env = "${ENVIRONMENT:-dev}"
              dc = "${DATACENTER:-local}"
              hostname = "%{monitor.hostname}"
            }
            sinks {
              log {}
              signalfx { auth-token = "${SFX_TOKEN}" }
            }
            plans { files = "plans/kpi.yaml" }
            heartbeat { freq = 1s }
            ha {}

            monitors = [
              {
                hostname = "db1.local:3306"
                tags { env = prod }
                sinks { signalfx { auth-token = other-token } }
              }
              {
                id = db2
                socket = "/var/run/mysqld/mysqld.sock"
                password = "${DB2_PASSWORD}"
                meta { region = us-west-2 }
                tags { region = "%{monitor.meta.region}" }
                heartbeat { role = replica }
              }
            ]
            """;

    static final Map<String, String> ENV = Map.of("ENVIRONMENT", "staging", "SFX_TOKEN", "tok-123",
            "DB2_PASSWORD", "pw-2");

    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    List<String> problems(String name, String text) throws IOException {
        return problems(name, text, Map.of());
    }

    List<String> problems(String name, String text, Map<String, String> env) throws IOException {
        Path file = write(name, text);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestDeclarations.context(env))).problems();
    }

    @Test
    void blipYamlLoadsUnchanged() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", BLIP_YAML), TestDeclarations.context(ENV));

        assertEquals(new ApiConfig("127.0.0.1:9070", false), c.api());
        assertEquals("50%", c.monitorLoader().stopLoss());
        assertTrue(c.monitorLoader().localDisableAuto());
        Options aws = c.monitorLoader().plugins().get("aws");
        assertEquals("monitor-loader.aws", aws.path());
        assertEquals(List.of("us-east-1", "auto"), aws.list("regions"));
        assertEquals(List.of("plans/kpi.yaml"), c.plans().files());
        assertEquals("sinks.signalfx", c.sinks().get("signalfx").path());
        assertEquals("tok-123", c.sinks().get("signalfx").string("auth-token"));
        assertEquals(2, c.monitors().size());

        MonitorConfig db1 = c.monitors().get(0);
        assertEquals("db1.local:3306", db1.id());
        assertEquals(dir.resolve("blip.yaml") + ": monitors[0]", db1.origin());
        assertEquals("metrics", db1.mysql().username());
        assertEquals("/secrets/blip-password", db1.mysql().passwordFile(), "password-file is inherited (Blip bug)");
        assertEquals(Duration.ofSeconds(5), db1.mysql().timeoutConnect());
        assertEquals(Map.of("env", "prod", "dc", "local", "hostname", "db1.local:3306"), db1.tags());
        assertEquals(List.of("signalfx", "log"), List.copyOf(db1.sinks().keySet()));
        assertEquals("monitors[0].sinks.signalfx", db1.sinks().get("signalfx").path());
        assertEquals(Map.of("auth-token", "other-token"), db1.sinks().get("signalfx").written());
        assertEquals("sinks.log", db1.sinks().get("log").path());
        assertEquals("1s", db1.heartbeat().freq());
        assertEquals("blip.heartbeat", db1.heartbeat().table());
        assertEquals(List.of(), db1.plans().files(), "shared plans stay shared");

        MonitorConfig db2 = c.monitors().get(1);
        assertEquals("db2", db2.id());
        assertEquals(Secret.of("pw-2"), db2.mysql().password());
        assertEquals("", db2.mysql().passwordFile(), "a monitor with its own password inherits no password-file");
        assertEquals("/var/run/mysqld/mysqld.sock", db2.mysql().socket());
        assertEquals(Map.of("region", "us-west-2", "env", "staging", "dc", "local", "hostname", ""), db2.tags());
        assertEquals("replica", db2.heartbeat().role());
        assertEquals("1s", db2.heartbeat().freq());
    }

    @Test
    void hoconGivesTheSameConfig() throws Exception {
        BlipConfig yaml = ConfigLoader.load(write("blip.yaml", BLIP_YAML), TestDeclarations.context(ENV));
        BlipConfig hocon = ConfigLoader.load(write("blip.conf", BLIP_CONF), TestDeclarations.context(ENV));

        assertEquals(withoutFile(yaml), withoutFile(hocon));
        assertEquals(ConfigPrinter.yaml(yaml), ConfigPrinter.yaml(hocon));
    }

    private static BlipConfig withoutFile(BlipConfig c) {
        List<MonitorConfig> monitors = c.monitors().stream()
                .map(m -> m.withOrigin(m.origin().replaceAll("^.*: ", "")))
                .toList();
        return new BlipConfig(null, c.api(), c.httpProxy(), c.monitorLoader(), c.plans(), c.sinks(), monitors,
                c.defaults(), c.log());
    }

    @Test
    void printedConfigLoadsAgain() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", BLIP_YAML), TestDeclarations.context(ENV));
        String printed = ConfigPrinter.yaml(c);
        BlipConfig again = ConfigLoader.load(write("printed.yaml", printed), TestDeclarations.context(Map.of()));

        assertEquals(printed, ConfigPrinter.yaml(again));
        assertEquals(c.monitors().get(0).tags(), again.monitors().get(0).tags());
    }

    @Test
    void hoconSubstitutionsUseTheGivenEnvironment() throws Exception {
        Path file = write("blip.conf", """
                monitors = [ { hostname = ${DB_HOST}, username = ${?DB_USER} } ]
                """);
        BlipConfig c = ConfigLoader.load(file, TestDeclarations.context(Map.of("DB_HOST", "db9")));

        assertEquals("db9", c.monitors().get(0).mysql().hostname());
        assertEquals("blip", c.monitors().get(0).mysql().username());
    }

    @Test
    void emptyConfig() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", "# nothing yet\n"), TestDeclarations.context(Map.of()));

        assertEquals(ApiConfig.DEFAULT, c.api());
        assertEquals(List.of(), c.monitors());
        assertEquals(ConfigLoader.empty(TestDeclarations.context(Map.of())).api(), c.api());
    }

    // ------------------------------------------------------------------------------ interpolation

    @Test
    void everyEnvVariableIsReplacedAndDefaultsApplyInPlace() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                monitors:
                  - hostname: ${HOST}:${PORT:-3306}
                    tags:
                      both: ${A}-${A}
                      unset: x${NOT_SET}y
                      url: ${URL:-http://localhost:4318/v1}
                """), TestDeclarations.context(Map.of("HOST", "db1", "A", "a")));

        MonitorConfig m = c.monitors().get(0);
        assertEquals("db1:3306", m.mysql().hostname());
        assertEquals(Map.of("both", "a-a", "unset", "xy", "url", "http://localhost:4318/v1"), m.tags());
    }

    @Test
    void monitorVariablesResolveInAnyOrder() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                tls:
                  ca: "certs/%{monitor.hostname}.pem"
                monitors:
                  - hostname: "%{monitor.tags.host}"
                    tls:
                      disable: true
                    tags:
                      host: db.local
                      id: "%{monitor.id}"
                      user: "%{monitor.Username}"
                """), TestDeclarations.context(Map.of()));

        MonitorConfig m = c.monitors().get(0);
        assertEquals("db.local", m.mysql().hostname());
        assertEquals(Map.of("host", "db.local", "id", "db.local", "user", "blip"), m.tags());
        assertEquals(dir.resolve("certs/db.local.pem").toString(), m.tls().ca());
    }

    @Test
    void unknownMonitorVariableAndSelfReference() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(
                file + ":3: monitors[0].tags.a: unknown monitor variable %{monitor.hostnme}; use one of"
                        + " %{monitor.id}, %{monitor.hostname}, %{monitor.socket}, %{monitor.mycnf},"
                        + " %{monitor.username}, %{monitor.password}, %{monitor.password-file},"
                        + " %{monitor.timeout-connect}, %{monitor.tags.<key>}, %{monitor.meta.<key>}",
                file + ":5: monitors[0].socket: %{monitor.socket} refers to itself"),
                problems("blip.yaml", """
                        monitors:
                          - tags:
                              a: "%{monitor.hostnme}"
                            hostname: db1
                            socket: "/tmp/%{monitor.socket}"
                        """));
    }

    // ------------------------------------------------------------------------------------ errors

    @Test
    void unknownKeyWithSuggestion() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":3: monitors[0].pasword: unknown key; did you mean password?"),
                problems("blip.yaml", """
                        monitors:
                          - hostname: db1
                            pasword: hunter2
                        """));
    }

    @Test
    void unknownKeyWithoutSuggestionListsTheKeys() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":2: api.port: unknown key; valid keys here: bind, disable, auth-token-file, tls"),
                problems("blip.yaml", "api:\n  port: 7522\n"));
    }

    @Test
    void mysqlSectionInAMonitorExplainsTheLayout() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":3: monitors[0].mysql: unknown key; in a monitor the mysql keys (hostname,"
                        + " socket, username, password, ...) are written directly in the monitor, without a mysql:"
                        + " section",
                        file + ":2: monitors[0]: a monitor needs hostname, socket or mycnf to know which MySQL to"
                                + " connect to"),
                problems("blip.yaml", """
                        monitors:
                          - id: db1
                            mysql:
                              hostname: db1
                        """));
    }

    @Test
    void badDuration() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":2: mysql.timeout-connect: '5 seconds' is not a duration; write it like 5s,"
                        + " 250ms, 1m30s or 1h"),
                problems("blip.yaml", """
                        mysql:
                          timeout-connect: 5 seconds
                        monitors:
                          - hostname: db1
                        """));
    }

    @Test
    void everyProblemAtOnce() throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(dir.resolve("client.pem"), "x");
        assertEquals(List.of(
                        file + ":8: monitors[0].hostnam: unknown key; did you mean hostname?",
                        file + ":9: monitors[0].tags: expected a map of keys, got a list",
                        file + ":5: heartbeat: freq is not set but role is; set freq (e.g. 1s) to turn the heartbeat"
                                + " on, or remove the other heartbeat keys",
                        file + ":8: monitors[0]: a monitor needs hostname, socket or mycnf to know which MySQL to"
                                + " connect to",
                        file + ":11: monitors[1].hostname: 'db2:port': port 'port' is not a number; write host or"
                                + " host:port, e.g. db1.example.com:3306",
                        file + ":13: monitors[1].aws.iam-auth: 'sure' is not a boolean; use true or false (or yes/no,"
                                + " on/off, 1/0)",
                        file + ":16: monitors[1].tls: cert is set but key is not; cert and key go together (valid"
                                + " sets: ca; cert and key; ca, cert and key)",
                        file + ":18: monitors[1].tls.ca: file " + dir.resolve("missing-ca.pem") + " does not exist",
                        file + ":15: monitors[1].heartbeat.freq: '0': must be greater than zero; to turn the heartbeat"
                                + " off, remove freq",
                        file + ":4: monitor-loader.stop-loss: '150%': a percentage stop-loss must be below 100%",
                        file + ":2: api.bind: '127.0.0.1' has no port; write host:port or :port, e.g. 127.0.0.1:7522"),
                problems("blip.yaml", """
                        api:
                          bind: 127.0.0.1
                        monitor-loader:
                          stop-loss: 150%
                        heartbeat:
                          role: replica
                        monitors:
                          - hostnam: db1
                            tags: [a, b]
                          - id: db2
                            hostname: db2:port
                            aws:
                              iam-auth: sure
                            heartbeat:
                              freq: 0
                            tls:
                              cert: client.pem
                              ca: missing-ca.pem
                        """));
    }

    @Test
    void duplicateMonitorIdsNameBothPlaces() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":4: monitors[1]: monitor id 'db1' is already used by " + file
                        + ":2: monitors[0]; give each monitor a unique id"),
                problems("blip.yaml", """
                        monitors:
                          - hostname: db1
                            username: a
                          - id: db1
                            hostname: db1.replica
                        """));
    }

    @Test
    void unsupportedBlipKeysSaySo() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(
                        file + ":4: monitors[0].plans.table: not supported: a monitor's own plans.table (read"
                                + " from the monitor itself); set the top-level plans.table and plans.monitor, and"
                                + " the monitor's id in the rows' monitor_id"),
                problems("blip.yaml", """
                        monitors:
                          - hostname: db1
                            plans:
                              table: blip.plans
                        """));
    }

    @Test
    void yamlSyntaxErrorsGiveTheLineAndAHint() throws Exception {
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(file + ":3: not valid YAML at column 13: found character '%' that cannot start any"
                        + " token. (Do not use % for indentation); a value that starts with %{monitor.x} must be"
                        + " quoted: key: \"%{monitor.hostname}\""),
                problems("blip.yaml", """
                        monitors:
                          - tags:
                              host: %{monitor.hostname}
                        """));
    }

    @Test
    void missingConfigFile() {
        Path file = dir.resolve("nope.yaml");
        assertEquals(file + ": config file does not exist",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestDeclarations.context(Map.of()))).getMessage());
    }

    // ------------------------------------------------------------------------------- assume-role

    @Test
    void pluginSectionsMergeKeyByKey() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                aws:
                  assume-role:
                    role-arn: arn:aws:iam::123456789012:role/blip
                    external-id: ext-4711
                monitors:
                  - hostname: db1.local:3306
                  - id: db2
                    hostname: db2
                    aws:
                      assume-role:
                        role-arn: arn:aws-cn:iam::123456789012:role/ops/blip-cn
                        session-name: blip@ops
                  - id: db3
                    hostname: db3
                    aws:
                      region: us-west-2
                """), TestDeclarations.context(Map.of()));

        Options db1 = c.monitors().get(0).section("aws").section("assume-role");
        assertEquals("arn:aws:iam::123456789012:role/blip", db1.string("role-arn"));
        assertEquals("ext-4711", db1.string("external-id"));
        assertFalse(db1.isSet("session-name"));
        Options db2 = c.monitors().get(1).section("aws").section("assume-role");
        assertEquals(List.of("arn:aws-cn:iam::123456789012:role/ops/blip-cn", "ext-4711", "blip@ops"),
                List.of(db2.string("role-arn"), db2.string("external-id"), db2.string("session-name")),
                "the monitor's role, the default's external id");
        Options db3 = c.monitors().get(2).section("aws");
        assertEquals("us-west-2", db3.string("region"));
        assertEquals("arn:aws:iam::123456789012:role/blip", db3.section("assume-role").string("role-arn"));
        assertEquals("monitors[2].aws.region", db3.where("region"));
    }

    @Test
    void anUnsetPluginSectionHasItsDefaultsAndIsNotPrinted() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", "monitors:\n  - hostname: db1\n"),
                TestDeclarations.context(Map.of()));
        Options aws = c.monitors().get(0).section("aws");
        assertFalse(aws.isSet("region"));
        assertFalse(aws.bool("iam-auth"));
        assertEquals("", aws.section("assume-role").string("role-arn"));
        assertFalse(ConfigPrinter.yaml(c).contains("aws"));
    }

    @Test
    void aPluginSectionIsPrintedAsWrittenAndLoadsAgain() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                monitors:
                  - hostname: db1
                    aws:
                      assume-role:
                        role-arn: arn:aws:iam::123456789012:role/blip
                        external-id: ext-4711
                """), TestDeclarations.context(Map.of()));
        String printed = ConfigPrinter.monitorsYaml(c.monitors());

        assertTrue(printed.contains("""
                    aws:
                      assume-role:
                        role-arn: arn:aws:iam::123456789012:role/blip
                        external-id: ext-4711
                """), printed);
        BlipConfig again = ConfigLoader.load(write("printed.yaml", printed), TestDeclarations.context(Map.of()));
        assertEquals(c.monitors().get(0).section("aws"), again.monitors().get(0).section("aws"));
    }

    @Test
    void aSectionNoLoadedPluginDeclaresIsAnUnknownKey() throws Exception {
        assertEquals(List.of(dir.resolve("blip.yaml") + ":3: monitors[0].cloud: unknown key; valid keys here: id,"
                        + " hostname, socket, mycnf, username, password, password-file, timeout-connect,"
                        + " credential-source, exporter, aws, ha, heartbeat, plans, sinks, tags, tls, meta, plan"),
                problems("blip.yaml", "monitors:\n  - hostname: db1\n    cloud: {}\n"));
    }

    @Test
    void assumeRoleProblems() throws Exception {
        Path file = dir.resolve("blip.yaml");
        String arn = "is not an IAM role ARN; write arn:<partition>:iam::<12-digit account id>:role/<name>, e.g."
                + " arn:aws:iam::123456789012:role/blip";
        String session = "is not a valid role session name; use 2 to 64 characters of letters, digits and"
                + " + = , . @ _ -";
        String notSet = "role-arn is not set; set it to the ARN of the IAM role to assume (e.g."
                + " arn:aws:iam::123456789012:role/blip), or remove assume-role";
        assertEquals(List.of(
                        file + ":3: aws.assume-role.session-name: 'x' " + session,
                        file + ":8: monitors[0].aws.assume-role.role-arn: 'arn:aws:iam::12345:role/blip' " + arn,
                        file + ":9: monitors[0].aws.assume-role.external-id: 'a' is not a valid external id; use 2 to"
                                + " 1224 characters of letters, digits and + = , . @ : / _ -",
                        file + ":12: monitors[1].aws.assume-role: " + notSet,
                        file + ":17: monitors[2].aws.assume-role.role-arn: 'arn:aws:iam::123456789012:user/blip' "
                                + arn,
                        file + ":18: monitors[2].aws.assume-role.session-name: 'has space' " + session,
                        file + ":23: monitors[3].aws.assume-role.rol-arn: unknown key; did you mean role-arn?",
                        file + ":21: monitors[3].aws.assume-role: " + notSet),
                problems("blip.yaml", """
                        aws:
                          assume-role:
                            session-name: x
                        monitors:
                          - hostname: db1
                            aws:
                              assume-role:
                                role-arn: arn:aws:iam::12345:role/blip
                                external-id: "a"
                          - hostname: db2
                            aws:
                              assume-role:
                                external-id: ext-1
                          - hostname: db3
                            aws:
                              assume-role:
                                role-arn: arn:aws:iam::123456789012:user/blip
                                session-name: has space
                          - hostname: db4
                            aws:
                              assume-role:
                                role-arn: ${ROLE_ARN}
                                rol-arn: arn:aws:iam::123456789012:role/blip
                                session-name: blip-db4
                        """));
    }

    // ----------------------------------------------------------------------------------- secrets

    @Test
    void secretsNeverAppearInMessages() throws Exception {
        String secret = "hunter2-s3cret";
        List<String> yamlSyntax = problems("a.yaml", "mysql:\n  password: [" + secret + "\n");
        List<String> hoconSyntax = problems("b.conf", "mysql { password = " + secret + " } }\n");
        List<String> values = problems("c.yaml", """
                mysql:
                  password: [${PW}]
                monitors:
                  - hostname: db1
                    password: "%{monitor.tags.x}${PW}"
                    pasword: ${PW}
                    sinks:
                      datadog:
                        api-key: ${PW}
                """, Map.of("PW", secret));

        for (List<String> problems : List.of(yamlSyntax, hoconSyntax, values)) {
            assertFalse(problems.isEmpty());
            problems.forEach(p -> assertFalse(p.contains(secret), p));
        }
        assertEquals(dir.resolve("b.conf") + ":1: not valid HOCON: syntax error on a line that holds a secret"
                + " (details hidden)", hoconSyntax.get(0));
    }

    @Test
    void secretsAreMaskedInPrintedYaml() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                http:
                  proxy: http://proxy:3128
                sinks:
                  otlp:
                    endpoint: https://otel:4318
                    headers:
                      x-honeycomb-team: hc-key
                  datadog:
                    api-key: dd-key
                    app-key: dd-app-secret
                    auth-token: dd-token
                monitors:
                  - hostname: db1
                    password: db-pw
                """), TestDeclarations.context(Map.of()));

        String printed = ConfigPrinter.yaml(c) + ConfigPrinter.monitorsYaml(c.monitors());
        for (String secret : List.of("hc-key", "dd-key", "dd-token", "db-pw")) {
            assertFalse(printed.contains(secret), secret + " in\n" + printed);
        }
        assertTrue(printed.contains("endpoint: https://otel:4318"), printed);
        assertTrue(printed.contains("password: '...'"), printed);
        assertTrue(printed.contains("proxy: http://proxy:3128"), printed);
        assertFalse(c.toString().contains("db-pw"));
    }

    @Test
    void aProxyWithAPasswordIsRefusedWithoutShowingIt() throws Exception {
        Path file = write("blip.yaml", "http:\n  proxy: http://user:proxy-pw@proxy:3128\n");
        String message = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, TestDeclarations.context(Map.of()))).getMessage();
        assertTrue(message.contains(":2: http.proxy: 'http://...@proxy:3128': not supported: a user and password for "
                + "the proxy; allow Blip's hosts on the proxy by address instead"), message);
        assertFalse(message.contains("proxy-pw"), message);
    }

    // ----------------------------------------------------------------------------- monitor files

    @Test
    void monitorFilesHoldOneMonitorOrAList() throws Exception {
        write("monitors/one.yaml", "hostname: db1\nusername: one\n");
        write("monitors/list.conf", "monitors = [ { hostname = db2 }, { hostname = db3, tags { a = b } } ]\n");
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                mysql:
                  username: shared
                tags:
                  env: prod
                monitor-loader:
                  files:
                    - monitors/one.yaml
                    - monitors/list.conf
                monitors:
                  - hostname: db0
                """), TestDeclarations.context(Map.of()));

        assertEquals(List.of("db0", "db1", "db2", "db3"), c.monitors().stream().map(MonitorConfig::id).toList());
        assertEquals("one", c.monitors().get(1).mysql().username());
        assertEquals("shared", c.monitors().get(2).mysql().username());
        assertEquals(Map.of("a", "b", "env", "prod"), c.monitors().get(3).tags());
        assertEquals(dir.resolve("monitors/one.yaml").toString(), c.monitors().get(1).origin());
        assertEquals(dir.resolve("monitors/list.conf") + ": monitors[1]", c.monitors().get(3).origin());
    }

    @Test
    void monitorFileProblems() throws Exception {
        write("db1.yaml", "hostname: db1\nsocket: [x]\n");
        Path file = dir.resolve("blip.yaml");
        assertEquals(List.of(
                        dir.resolve("db1.yaml") + ":2: socket: expected a single value, got a list",
                        file + ":4: monitor-loader.files[1]: monitor file " + dir.resolve("missing.yaml")
                                + " does not exist"),
                problems("blip.yaml", """
                        monitor-loader:
                          files:
                            - db1.yaml
                            - missing.yaml
                        """));
    }

    @Test
    void pluginMonitorsGetTheDefaults() throws Exception {
        BlipConfig c = ConfigLoader.load(write("blip.yaml", """
                mysql:
                  username: rds-user
                aws:
                  iam-auth: true
                monitors:
                  - id: db-1
                    hostname: db1
                """), TestDeclarations.context(Map.of()));

        List<MonitorConfig> found = c.defaults().monitors(List.of(new MonitorSpec("aws rds us-east-1",
                Map.of("id", "db-2", "hostname", "db-2.x.us-east-1.rds.amazonaws.com:3306",
                        "aws", Map.of("region", "us-east-1")))), c.monitors());
        MonitorConfig m = found.get(0);
        assertEquals("rds-user", m.mysql().username());
        assertTrue(m.section("aws").bool("iam-auth"));
        assertEquals("us-east-1", m.section("aws").string("region"));

        var duplicate = List.of(new MonitorSpec("aws rds us-east-1", Map.of("id", "db-1", "hostname", "h")));
        assertEquals(List.of("aws rds us-east-1: monitor id 'db-1' is already used by " + dir.resolve("blip.yaml")
                        + ": monitors[0]; give each monitor a unique id"),
                assertThrows(ConfigException.class, () -> c.defaults().monitors(duplicate, c.monitors())).problems());
    }
}
