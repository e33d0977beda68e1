package io.blip.runtime.api;

import io.blip.api.BlipException;
import io.blip.api.MonitorHealth;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiBackend.MonitorInternal;
import io.blip.runtime.api.ApiBackend.Outcome;
import io.blip.runtime.config.ApiConfig;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.event.Event;
import io.blip.runtime.http.HttpListener;
import io.blip.runtime.http.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Blip's REST API on Blip's {@link HttpListener}: Blip's endpoints, JSON shapes and status codes, plus
 * {@code /health} and {@code /ready}, an optional bearer token and optional TLS (with client
 * certificates when {@code api.tls.ca} is set). Unlike Blip, each endpoint takes one method (another
 * gets 405 with {@code Allow}).
 *
 * <p>Two steps, so that boot reports a busy address and nothing is served before the monitors run:
 * {@link #bind} (at boot: reads the token and PEM files, opens the socket) and {@link #start}
 * (serves, each connection on its own virtual thread, so a long reload does not hold up {@code /health}).
 * Handlers, the JSON writer and the YAML printer are loaded by the first request, not before.
 *
 * <p>{@code /health} and {@code /ready} need no token, so that probes which cannot send one (a
 * kubelet's) still work; without the token {@code /ready} says only whether all monitors are ready,
 * not which are not.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Set<String> OPEN = Set.of("/health", "/ready");
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** Prometheus' text exposition format. */
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpListener http;
    private final boolean tls;
    private final ApiBackend backend;
    private final String version;
    private final Time time;
    /** SHA-256 of the token, compared in constant time; null when no token is asked for. */
    private final byte[] tokenDigest;
    private boolean started;
    /** Made by the first request, so that nothing of the handling is loaded while monitors start. */
    private Routes routes;

    private ApiServer(HttpListener http, boolean tls, ApiBackend backend, String version, Time time,
                      byte[] tokenDigest) {
        this.http = http;
        this.tls = tls;
        this.backend = backend;
        this.version = version;
        this.time = time;
        this.tokenDigest = tokenDigest;
    }

    /**
     * Reads {@code api.auth-token-file} and {@code api.tls.*} and opens the listening socket on
     * {@code api.bind}; serves nothing until {@link #start}.
     *
     * @param config  the {@code api} section (not disabled)
     * @param backend the running server
     * @param version Blip's version, for {@code /version} and {@code /status}
     * @param time    the server's time, for {@code uptime}
     * @throws BlipException naming the key and the address or file: the address is taken or not
     *                       this host's, the token file is unreadable or empty, a PEM file is invalid
     */
    public static ApiServer bind(ApiConfig config, ApiBackend backend, String version, Time time) {
        byte[] token = config.authTokenFile().isEmpty() ? null
                : sha256(ApiConfig.readToken(config.authTokenFile()));
        SSLContext ssl = config.tls() ? ServerTls.context(new ServerTls.File("api.tls.cert", config.tlsCert()),
                new ServerTls.File("api.tls.key", config.tlsKey()),
                config.tlsCa().isEmpty() ? null : new ServerTls.File("api.tls.ca", config.tlsCa())) : null;
        InetSocketAddress address = address(config.bind());
        HttpListener http;
        ApiServer[] server = new ApiServer[1];
        try {
            http = HttpListener.bind(address, ssl, ssl != null && !config.tlsCa().isEmpty(), "blip-api", time,
                    request -> server[0].serve(request));
        } catch (BindException e) {
            String hint = String.valueOf(e.getMessage()).contains("in use") ? "; is another Blip running?" : ";"
                    + " is the address this host's?";
            throw new BlipException("api.bind: cannot listen on " + config.bind() + ": " + e.getMessage() + hint
                    + " Set api.bind to a free address, or api.disable: true", e);
        } catch (IOException e) {
            throw new BlipException("api.bind: cannot listen on " + config.bind() + ": " + e.getMessage(), e);
        }
        server[0] = new ApiServer(http, ssl != null, backend, version, time, token);
        return server[0];
    }

    /** Starts serving requests. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the API is already started");
        }
        started = true;
        http.start();
        log.info("API listening on {}://{}", tls ? "https" : "http", hostPort(address()));
    }

    /**
     * One request, on its connection's virtual thread: what goes wrong outside a handler (making the
     * handlers, writing the reply's headers) is Blip's {@code server-api-error}.
     */
    private HttpListener.Reply serve(HttpListener.Request request) {
        try {
            return routes().serve(request);
        } catch (RuntimeException e) {
            log.error("{}: API {} {}: {}", Event.SERVER_API_ERROR, Routes.printable(request.method()),
                    Routes.printable(request.path()), e.toString(), e);
            return HttpListener.Reply.text(500, "internal error; see Blip's log\n");
        }
    }

    private synchronized Routes routes() {
        if (routes == null) {
            routes = new Routes(this);
        }
        return routes;
    }

    /** The address the API listens on (its port when {@code api.bind} asked for port 0). */
    public InetSocketAddress address() {
        return http.address();
    }

    /** Stops listening and drops open connections; a control already running finishes in the background. */
    @Override
    public synchronized void close() {
        http.close();
    }

    private static InetSocketAddress address(String bind) {
        int colon = bind.lastIndexOf(':');
        String host = bind.substring(0, colon);
        int port = Integer.parseInt(bind.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        var address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new BlipException("api.bind: cannot listen on " + bind + ": host '" + host + "' is not known");
        }
        return address;
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A request as the handlers see it. */
    private record Request(String method, String path, Map<String, String> query, boolean authorized,
                           InetAddress peer) {
        String id() {
            return query.getOrDefault("id", "");
        }
    }

    /** A response: status, content type and body; {@code headers} beside them. */
    private record Reply(int status, String type, byte[] body, Map<String, String> headers) {
        Reply(int status, String type, String body, Map<String, String> headers) {
            this(status, type, body.getBytes(StandardCharsets.UTF_8), headers);
        }

        static Reply json(int status, Object value) {
            return new Reply(status, JSON, Json.write(value), Map.of());
        }

        static Reply json(Object value) {
            return json(200, value);
        }

        static Reply text(int status, String body) {
            return new Reply(status, TEXT, body.isEmpty() ? "" : body + "\n", Map.of());
        }
    }

    private record Route(String method, Function<Request, Reply> handler) {
    }

    /** The endpoints and their handling. */
    private static final class Routes {
        private final ApiServer api;
        private final ApiBackend backend;
        private final Map<String, Route> routes = new LinkedHashMap<>();

        Routes(ApiServer api) {
            this.api = api;
            this.backend = api.backend;
            get("/status", r -> Reply.json(status()));
            get("/status/monitors", r -> Reply.json(sorted(backend.monitorStatus())));
            get("/status/monitor/internal", this::monitorInternal);
            get("/monitors", r -> Reply.json(new TreeMap<>(backend.monitors())));
            get("/registered", r -> Reply.json(registered()));
            get("/config", this::config);
            get("/debug", this::debug);
            get("/version", r -> Reply.json(api.version));
            get("/health", r -> Reply.json(Map.of("live", true)));
            get("/ready", this::ready);
            get("/metrics", r -> new Reply(200, PROMETHEUS, backend.metrics(), Map.of()));
            get("/probe", this::probe);
            post("/monitors/reload", r -> reload());
            post("/monitors/start", r -> withId(r, "starting", backend::start));
            post("/monitors/stop", r -> withId(r, "stopping", backend::stop));
        }

        private void get(String path, Function<Request, Reply> handler) {
            routes.put(path, new Route("GET", handler));
        }

        private void post(String path, Function<Request, Reply> handler) {
            routes.put(path, new Route("POST", handler));
        }

        HttpListener.Reply serve(HttpListener.Request request) {
            String path = request.path();
            String method = request.method();
            Reply reply;
            try {
                reply = reply(request, method, path);
            } catch (RuntimeException e) {
                log.error("{}: API {} {}: {}", Event.SERVER_API_PANIC, method, printable(path), e.toString(), e);
                reply = Reply.text(500, "internal error; see Blip's log");
            }
            log.debug("API {} {}: {}", method, printable(path), reply.status());
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Cache-Control", "no-store");
            headers.putAll(reply.headers());
            return new HttpListener.Reply(reply.status(), reply.type(), reply.body(), headers);
        }

        private Reply reply(HttpListener.Request request, String method, String path) {
            String authorization = request.header("Authorization");
            boolean authorized = api.authorized(authorization);
            if (!authorized && !OPEN.contains(path)) {
                return unauthorized(authorization != null);
            }
            Route route = routes.get(path);
            if (route == null) {
                return Reply.text(404, "404 page not found");
            }
            if (!route.method().equals(method)) {
                String text = printable(method) + " is not allowed on " + printable(path) + "; use " + route.method();
                return new Reply(405, TEXT, text + "\n", Map.of("Allow", route.method()));
            }
            return route.handler().apply(new Request(method, path, query(request.rawQuery()), authorized,
                    request.peer()));
        }

        /**
         * Blip's debug toggle. Without {@code api.auth-token-file} only this host may flip it: debug logging
         * writes every query and answer, which someone on the network should not be able to turn on.
         */
        private Reply debug(Request r) {
            if (!api.tokenRequired() && !r.peer().isLoopbackAddress()) {
                return Reply.text(403, "403 forbidden: GET /debug flips debug logging; without api.auth-token-file"
                        + " only a caller on this host may (this one is " + r.peer().getHostAddress() + ")");
            }
            return Reply.json(Map.of("debugging", backend.toggleDebug()));
        }

        private static Reply unauthorized(boolean sentOne) {
            String challenge = "Bearer realm=\"blip\"" + (sentOne ? ", error=\"invalid_token\"" : "");
            return new Reply(401, TEXT,
                    "401 unauthorized: send Authorization: Bearer <the token in api.auth-token-file>\n",
                    Map.of("WWW-Authenticate", challenge));
        }

        /** Blip's {@code /status}: a Go map of strings, so keys sorted and every value text. */
        private Map<String, String> status() {
            ApiBackend.ServerStatus s = backend.status();
            var out = new TreeMap<String, String>();
            out.put("monitor-loader", s.monitorLoader());
            out.put("monitors", Integer.toString(s.monitors()));
            out.put("server", s.server());
            if (!s.shard().isEmpty()) {
                out.put("shard", s.shard());
            }
            out.put("started", rfc3339(s.started()));
            out.put("uptime", Long.toString(Math.max(0, Duration.between(s.started(), api.time.now()).toSeconds())));
            out.put("version", api.version);
            return out;
        }

        private Map<String, List<String>> registered() {
            ApiBackend.Registered r = backend.registered();
            var out = new LinkedHashMap<String, List<String>>();
            out.put("collectors", r.collectors().stream().sorted().toList());
            out.put("sinks", r.sinks().stream().sorted().toList());
            return out;
        }

        private Reply config(Request r) {
            Map<String, Object> tree = backend.config();
            return r.query().containsKey("json") ? Reply.json(tree)
                    : new Reply(200, "application/yaml; charset=utf-8", ConfigPrinter.yaml(tree), Map.of());
        }

        private Reply ready(Request r) {
            ApiBackend.Readiness readiness = backend.readiness();
            var out = new LinkedHashMap<String, Object>();
            out.put("ready", readiness.ready());
            if (r.authorized() && !readiness.ready()) {
                out.put("not-ready", readiness.notReady());
            }
            return Reply.json(readiness.ready() ? 200 : 503, out);
        }

        /** mysqld_exporter's multi-target {@code /probe?target=}: here the target is a monitor id, not a DSN. */
        private Reply probe(Request r) {
            String target = r.query().getOrDefault("target", "");
            if (target.isEmpty()) {
                return Reply.text(400, "missing target=monitorId in query");
            }
            try {
                return backend.probe(target).map(text -> new Reply(200, PROMETHEUS, text, Map.<String, String>of()))
                        .orElseGet(() -> notLoaded(target));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Reply.text(503, "scrape interrupted");
            }
        }

        private Reply monitorInternal(Request r) {
            if (r.id().isEmpty()) {
                return missingId();
            }
            return backend.monitorInternal(r.id()).map(m -> Reply.json(internal(m)))
                    .orElseGet(() -> notLoaded(r.id()));
        }

        private Reply reload() {
            return switch (backend.reload()) {
                case Outcome.Done d -> Reply.text(200, "");
                case Outcome.StopLoss s -> Reply.text(412, "Stop-loss prevented reloading: " + s.why());
                case Outcome.Conflict c ->
                        Reply.text(409, "Error reloading monitors: " + String.join("\n", c.problems()));
                case Outcome.UnknownMonitor u -> notLoaded(u.monitorId());
            };
        }

        private Reply withId(Request r, String doing, Function<String, Outcome> control) {
            String id = r.id();
            if (id.isEmpty()) {
                return missingId();
            }
            return switch (control.apply(id)) {
                case Outcome.Done d -> Reply.text(200, "");
                case Outcome.UnknownMonitor u -> notLoaded(id);
                case Outcome.Conflict c -> Reply.text(409, "Error " + doing + " monitor " + printable(id) + ": "
                        + String.join("\n", c.problems()));
                case Outcome.StopLoss s -> Reply.text(412, "Stop-loss prevented " + doing + " monitor " + printable(id)
                        + ": " + s.why());
            };
        }

        private static Reply missingId() {
            return Reply.text(400, "missing id=monitorId in query");
        }

        private static Reply notLoaded(String id) {
            return Reply.text(404, "monitor " + printable(id) + " not loaded");
        }

        /** Blip's {@code proto.MonitorStatus}, Go field names; {@code Health} is ours. */
        private static Map<String, Object> internal(MonitorInternal m) {
            var out = new LinkedHashMap<String, Object>();
            out.put("MonitorId", m.monitorId());
            out.put("DSN", m.dsn());
            out.put("Started", m.started());
            var collector = new LinkedHashMap<String, Object>();
            collector.put("State", m.state());
            collector.put("Plan", m.plan());
            m.lastHealth().ifPresent(h -> collector.put("LastCollectTs", h.time().toString()));
            out.put("Collector", collector);
            if (!m.error().isEmpty()) {
                out.put("Error", m.error());
            }
            m.lastHealth().ifPresent(h -> out.put("Health", health(h)));
            return out;
        }

        private static Map<String, Object> health(MonitorHealth h) {
            var out = new LinkedHashMap<String, Object>();
            out.put("Time", h.time().toString());
            out.put("Started", h.started().toString());
            out.put("Up", h.up());
            var levels = new TreeMap<String, Object>();
            h.levels().forEach((name, level) -> levels.put(name,
                    ordered("Collections", level.collections(), "LastDuration", level.lastDuration().toNanos())));
            out.put("Levels", levels);
            out.put("Errors", new TreeMap<>(h.errors()));
            out.put("Skipped", h.skipped());
            out.put("Sinks", h.sinks().stream().map(s -> {
                var sink = ordered("Name", s.name(), "Sent", s.sent(), "Queued", s.queued(), "Dropped", s.dropped());
                sink.putAll(ordered("Rejected", s.rejected(), "Failed", s.failed(), "Retries", s.retries()));
                return sink;
            }).toList());
            return out;
        }

        private static Map<String, Object> ordered(Object... keyAndValue) {
            var out = new LinkedHashMap<String, Object>();
            for (int i = 0; i < keyAndValue.length; i += 2) {
                out.put((String) keyAndValue[i], keyAndValue[i + 1]);
            }
            return out;
        }

        private static Map<String, Map<String, String>> sorted(Map<String, Map<String, String>> byMonitor) {
            var out = new TreeMap<String, Map<String, String>>();
            byMonitor.forEach((id, components) -> out.put(id, new TreeMap<>(components)));
            return out;
        }

        private static String rfc3339(Instant t) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
        }

        /** A client's text for a response or a log: no line breaks or other control characters. */
        private static String printable(String s) {
            return s.codePoints().filter(c -> !Character.isISOControl(c))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }

        private static Map<String, String> query(String raw) {
            var out = new LinkedHashMap<String, String>();
            if (raw == null || raw.isEmpty()) {
                return out;
            }
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                out.putIfAbsent(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
            return out;
        }

        private static String decode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return s; // a stray '%': take it as written
            }
        }
    }

    /** Whether an {@code Authorization} header carries the token; always when none is configured. */
    /** Whether requests must carry the token of {@code api.auth-token-file}. */
    private boolean tokenRequired() {
        return tokenDigest != null;
    }

    private boolean authorized(String header) {
        if (tokenDigest == null) {
            return true;
        }
        String scheme = "bearer ";
        if (header == null || !header.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(header.substring(scheme.length()).strip()));
    }
}
