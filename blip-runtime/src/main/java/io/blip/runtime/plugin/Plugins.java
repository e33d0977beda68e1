package io.blip.runtime.plugin;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MonitorSection;
import io.blip.api.config.OptionSet;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.ha.HaManagerFactory;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionResolver;
import io.blip.api.sink.SinkFactory;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.Declarations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every provider of the blip-api SPIs, from the boot layer and from one child {@link ModuleLayer}
 * per directory under the plugins directory, indexed by name. Built once at boot; immutable after.
 *
 * <p>A plugin directory's layer has the layer of blip-api as its parent, unless the directory
 * builds on other plugin directories: when one of its modules requires a module that is neither
 * in the directory nor in the boot layer but in another plugin directory (a plugin providing
 * {@code io.blip.plugin.aws.spi.AwsCredentialsFactory} requires {@code io.blip.plugin.aws}), the
 * layers of those directories are its parents, and are made first. Each
 * layer lists only its own providers, and {@link #services()} finds providers of an SPI that a
 * plugin defines in the layers above it.
 *
 * <p>Loading reports every problem at once in a {@link PluginException}: a jar that is not a
 * module, two jars holding one module, what {@link LayerCheck} finds in a directory's module
 * descriptors before its layer is made (a module the boot layer has, such as blip-api or slf4j; a
 * copy of a module of a parent plugin layer; a missing module; a split package; a provider class
 * its jar lacks), plugin directories that require each other in a cycle, a module that more than
 * one directory could supply, a provider class that cannot be loaded or created (a
 * {@link LinkageError} included), and two providers of one kind with the same name (in any two
 * layers, a parent and its child included).
 *
 * <p>The root of the plugin layers is the layer of the {@code io.blip.api} module, not
 * {@link ModuleLayer#boot()}: the two are the same when Blip runs from {@code bin/blip} (and in
 * surefire, which puts blip-api on the module path), but an embedding application may load Blip
 * into a layer of its own, and plugins must bind to the blip-api their runtime uses.
 */
public final class Plugins {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    /** System property set by {@code bin/blip}: the directory holding {@code lib/} and {@code plugins/}. */
    public static final String HOME_PROPERTY = "blip.home";
    /** Environment variable naming the plugins directory. */
    public static final String PLUGINS_ENV = "BLIP_PLUGINS";

    private final Path pluginsDir;
    private final List<PluginLayer> layers;
    private final List<Provider<CollectorFactory>> collectors;
    private final List<Provider<SinkFactory>> sinks;
    private final List<Provider<CredentialSourceFactory>> credentialSources;
    private final List<Provider<RegionResolver>> regionResolvers;
    private final List<Provider<TlsProvider>> tlsProviders;
    private final List<Provider<MonitorLoader>> monitorLoaders;
    private final List<Provider<MonitorSection>> monitorSections;
    private final List<Provider<HaManagerFactory>> haManagers;

    private Plugins(Path pluginsDir, List<PluginLayer> layers, Loading loading) {
        this.pluginsDir = pluginsDir;
        this.layers = List.copyOf(layers);
        this.collectors = loading.providers(Kind.COLLECTOR, byName());
        this.sinks = loading.providers(Kind.SINK, byName());
        this.credentialSources = loading.providers(Kind.CREDENTIAL_SOURCE, byName());
        this.regionResolvers = loading.providers(Kind.REGION_RESOLVER,
                Comparator.<Provider<RegionResolver>>comparingInt(p -> p.instance().order())
                        .thenComparing(Provider::name));
        this.tlsProviders = loading.providers(Kind.TLS_PROVIDER, byName());
        this.monitorLoaders = loading.providers(Kind.MONITOR_LOADER, byName());
        this.monitorSections = loading.providers(Kind.MONITOR_SECTION, byName());
        this.haManagers = loading.providers(Kind.HA_MANAGER, byName());
    }

    /**
     * Loads the providers of the boot layer and of each directory under {@code pluginsDir}, each
     * directory's layer made after the layers of the directories it builds on.
     *
     * @param pluginsDir the plugins directory; when it does not exist, only the boot layer is used
     * @throws PluginException listing every problem found
     */
    public static Plugins load(Path pluginsDir) throws BlipException {
        return load(java.util.Objects.requireNonNull(pluginsDir, "pluginsDir"), true);
    }

    /** The providers of the boot layer only. */
    static Plugins bootOnly() throws BlipException {
        return load(null, false);
    }

    private static Plugins load(Path pluginsDir, boolean withDirs) {
        Module api = MetricType.class.getModule();
        var problems = new ArrayList<String>();
        var layers = new ArrayList<PluginLayer>();
        if (withDirs) {
            List<Path> dirs = pluginDirs(pluginsDir, problems);
            if (!dirs.isEmpty() && !api.isNamed()) {
                problems.add(pluginsDir + ": plugins need Blip on the module path, but io.blip.api was loaded "
                        + "from the class path. Start Blip with bin/blip, or with "
                        + "java -p lib -m io.blip.runtime/io.blip.runtime.Main.");
            } else {
                layers.addAll(layers(dirs, api, problems));
            }
        }
        var loading = new Loading(api, layers, problems);
        Plugins plugins = new Plugins(pluginsDir, layers, loading);
        loading.checkDuplicates(plugins);
        if (!problems.isEmpty()) {
            throw new PluginException(problems);
        }
        log.debug("plugins loaded: {} layers from {}", layers.size(), pluginsDir);
        return plugins;
    }

    /**
     * The layers of the plugin directories: each directory's jars read as modules, then a layer per
     * directory, made after the layers of the directories it builds on ({@link PluginGraph}).
     */
    private static List<PluginLayer> layers(List<Path> dirs, Module api, List<String> problems) {
        var read = new ArrayList<PluginDir>();
        for (Path dir : dirs) {
            PluginDir.read(dir, problems).ifPresent(read::add);
        }
        var made = new HashMap<PluginDir, PluginLayer>();
        var layers = new ArrayList<PluginLayer>();
        for (PluginGraph.Node node : PluginGraph.order(read, api.getLayer(), problems)) {
            if (!node.buildable()) {
                continue;
            }
            List<PluginGraph.Edge> unmade = node.parents().stream().filter(e -> !made.containsKey(e.on())).toList();
            if (!unmade.isEmpty()) {
                problems.add(PluginGraph.notLoaded(node.dir(), unmade));
                continue;
            }
            List<PluginLayer> parents = node.parents().stream().map(e -> made.get(e.on())).toList();
            PluginLayer.build(node.dir(), parents, api.getLayer(), api.getClassLoader(), problems).ifPresent(layer -> {
                made.put(node.dir(), layer);
                layers.add(layer);
            });
        }
        return layers;
    }

    private static List<Path> pluginDirs(Path pluginsDir, List<String> problems) {
        if (!Files.exists(pluginsDir)) {
            log.info("{}: no plugins directory; using built-in providers only", pluginsDir);
            return List.of();
        }
        if (!Files.isDirectory(pluginsDir)) {
            problems.add(pluginsDir + ": not a directory. The plugins directory holds one directory of jars "
                    + "per plugin, e.g. plugins/otlp/.");
            return List.of();
        }
        try (Stream<Path> entries = Files.list(pluginsDir)) {
            var dirs = new ArrayList<Path>();
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    dirs.add(entry);
                } else if (name.endsWith(".jar")) {
                    log.warn("{}: ignored; a plugin is a directory of jars: move it into a directory of its own "
                            + "under {}", entry, pluginsDir);
                }
            }
            return dirs;
        } catch (IOException e) {
            problems.add(pluginsDir + ": cannot list the plugins directory: " + e);
            return List.of();
        }
    }

    /**
     * The plugins directory to use when neither {@code --plugins} nor {@value #PLUGINS_ENV} gives
     * one: {@code <blip home>/plugins}, where blip home is the system property
     * {@value #HOME_PROPERTY} (set by {@code bin/blip}) or the parent of the {@code lib/} directory
     * the runtime jar was loaded from; else {@code ./plugins}.
     */
    public static Path defaultPluginsDir() {
        // BLIP_PLUGINS is read with the other flags' variables, by the command line (Cli).
        return defaultPluginsDir(null, System.getProperty(HOME_PROPERTY), runtimeJar());
    }

    static Path defaultPluginsDir(String env, String homeProperty, Optional<Path> runtimeJar) {
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if (homeProperty != null && !homeProperty.isBlank()) {
            return Path.of(homeProperty).resolve("plugins");
        }
        return runtimeJar.map(Path::getParent)
                .filter(lib -> lib.getFileName() != null && lib.getFileName().toString().equals("lib"))
                .map(Path::getParent)
                .filter(home -> home != null)
                .map(home -> home.resolve("plugins"))
                .orElse(Path.of("plugins"));
    }

    private static Optional<Path> runtimeJar() {
        CodeSource source = Plugins.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    public List<Provider<CollectorFactory>> collectors() {
        return collectors;
    }

    public List<Provider<SinkFactory>> sinks() {
        return sinks;
    }

    List<Provider<CredentialSourceFactory>> credentialSources() {
        return credentialSources;
    }

    public List<Provider<TlsProvider>> tlsProviders() {
        return tlsProviders;
    }

    /** The installed HA manager, if any: at most one (Blip's {@code ha.Register} keeps the first). */
    public List<Provider<HaManagerFactory>> haManagers() {
        return haManagers;
    }

    /**
     * What the loaded plugins declare that a config must follow: every sink's options with
     * {@code sinkOptions} added (the delivery options every sink has; a sink's own declaration of
     * one of them wins, e.g. with another default), every monitor loader's options, and the
     * monitor sections, each merged from all the plugins that declare part of it.
     *
     * @throws BlipException when two plugins declare one section key differently
     */
    public Declarations declarations(OptionSet sinkOptions) throws BlipException {
        var sinkDeclarations = new LinkedHashMap<String, OptionSet>();
        sinks.forEach(p -> sinkDeclarations.put(p.name(), sinkOptions.with(p.instance().options())));
        var loaders = new LinkedHashMap<String, OptionSet>();
        monitorLoaders.forEach(p -> loaders.put(p.name(), p.instance().options()));
        var sections = new LinkedHashMap<String, OptionSet>();
        var declaredBy = new LinkedHashMap<String, String>();
        for (Provider<MonitorSection> p : monitorSections) {
            String by = "module " + p.module() + " (" + p.origin() + ")";
            try {
                sections.merge(p.name(), p.instance().options(), OptionSet::merge);
            } catch (IllegalArgumentException e) {
                throw new BlipException("monitor section '" + p.name() + "': " + declaredBy.get(p.name()) + " and "
                        + by + " declare it differently: " + e.getMessage() + ". Use plugins of one Blip version.");
            }
            declaredBy.merge(p.name(), by, (a, b) -> a + " and " + b);
        }
        return new Declarations(sinkDeclarations, loaders, sections, new Declarations.Advice() {
            @Override
            public String missingMonitorLoader(String name) {
                return unknown(Kind.MONITOR_LOADER, monitorLoaders, name, null);
            }

            @Override
            public String missingSink(String name) {
                return unknown(Kind.SINK, sinks, name, null);
            }

            @Override
            public String missingSection(String name) {
                return FirstParty.shipsIn(Kind.MONITOR_SECTION, name).map(dir -> "unknown key; the " + name
                        + " section belongs to a plugin that ships in plugins/" + dir + "/; is that directory present?")
                        .orElse(null);
            }
        });
    }

    /**
     * The collector factory of a domain.
     *
     * @param configPath where the domain was named, for the message (e.g. {@code plans.files[0].performance})
     * @throws BlipException naming what exists and, for a first-party domain, the directory that ships it
     */
    public CollectorFactory collector(String domain, String configPath) throws BlipException {
        return named(Kind.COLLECTOR, collectors, domain, configPath);
    }

    /** The sink factory of a name; {@code configPath} is where the config names it, for the message. */
    public SinkFactory sink(String name, String configPath) throws BlipException {
        return named(Kind.SINK, sinks, name, configPath);
    }

    /**
     * The sink a monitor uses when its config names none: the one loaded sink that says it is the
     * default ({@link SinkFactory#isDefault()}, Blip's {@code log}).
     *
     * @throws BlipException when none or more than one says so
     */
    public String defaultSink() throws BlipException {
        List<Provider<SinkFactory>> defaults = sinks.stream().filter(p -> p.instance().isDefault()).toList();
        if (defaults.size() == 1) {
            return defaults.getFirst().name();
        }
        throw new BlipException(defaults.isEmpty()
                ? "no sinks are configured and no loaded sink is the default; name a sink under sinks (available: "
                        + sinks.stream().map(Provider::name).sorted().toList() + ")"
                : "more than one sink says it is the default: " + defaults.stream()
                        .map(p -> p.name() + " (module " + p.module() + ", " + p.origin() + ")").toList()
                        + "; remove the plugin that should not be");
    }

    public CredentialSourceFactory credentialSource(String name, String configPath) throws BlipException {
        return named(Kind.CREDENTIAL_SOURCE, credentialSources, name, configPath);
    }

    /**
     * The credential source of a monitor: the one {@code mysql.credential-source} names, else the
     * one with the highest precedence that handles the monitor (Blip's order); empty for none (the
     * user with no password).
     *
     * @throws BlipException when the named source is not loaded, saying where it ships
     */
    public Optional<CredentialSourceFactory> credentialSourceFor(MonitorConfig monitor) throws BlipException {
        String named = monitor.mysql().credentialSource();
        if (!named.isEmpty()) {
            return Optional.of(credentialSource(named, monitor.origin() + ".credential-source"));
        }
        return credentialSources.stream().map(Provider::instance).filter(f -> f.handles(monitor))
                .max(Comparator.comparingInt(CredentialSourceFactory::precedence));
    }

    public MonitorLoader monitorLoader(String name, String configPath) throws BlipException {
        return named(Kind.MONITOR_LOADER, monitorLoaders, name, configPath);
    }

    /** The plugin layers, in load order. */
    List<PluginLayer> layers() {
        return layers;
    }

    /** The plugin directories that became layers, in load order: a directory after those it builds on. */
    List<Path> layerDirs() {
        return layers.stream().map(PluginLayer::dir).toList();
    }

    /**
     * What {@code --print-plugins} prints: one line per provider (name, kind, module, origin, and
     * the provider's own description if it has one), then each plugin layer with its modules,
     * including layers that provide nothing, e.g.
     * {@code plugins/mycreds (parents: plugins/aws; provides io.blip.plugin.aws.spi.AwsCredentialsFactory): com.example.mycreds}.
     */
    public String describe() {
        var out = new StringBuilder();
        List<Provider<?>> all = all().toList();
        if (all.isEmpty()) {
            out.append("Providers: none\n");
        } else {
            out.append("Providers (name, kind, module, origin):\n");
            int nameWidth = width(all, Provider::name);
            int kindWidth = width(all, Provider::kind);
            int moduleWidth = width(all, Provider::module);
            int originWidth = width(all, Provider::origin);
            for (Provider<?> p : all) {
                String line = "  " + pad(p.name(), nameWidth) + "  " + pad(p.kind(), kindWidth) + "  "
                        + pad(p.module(), moduleWidth) + "  " + pad(p.origin(), originWidth);
                String description = description(p);
                out.append(description.isEmpty() ? line.stripTrailing() : line + "  " + description).append('\n');
            }
        }
        if (pluginsDir == null) {
            out.append("Plugin layers: none (boot layer only)\n");
        } else if (layers.isEmpty()) {
            out.append("Plugin layers in ").append(pluginsDir).append(": none\n");
        } else {
            out.append("Plugin layers in ").append(pluginsDir).append(":\n");
            for (PluginLayer layer : layers) {
                boolean provides = all.stream().anyMatch(p -> p.origin().equals(layer.origin()));
                out.append("  ").append(layer.origin()).append(notes(layer, provides)).append(": ")
                        .append(String.join(", ", layer.modules())).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * {@code " (parents: plugins/aws; provides io.blip.plugin.aws.spi.AwsCredentialsFactory)"}: the
     * directories a layer builds on, and what it provides when that is not a blip-api SPI (whose
     * providers are listed by name above) or nothing at all.
     */
    private static String notes(PluginLayer layer, boolean providesBlipSpi) {
        var notes = new ArrayList<String>();
        if (!layer.parents().isEmpty()) {
            notes.add("parents: " + String.join(", ", layer.parents().stream().map(PluginLayer::origin).toList()));
        }
        List<String> others = layer.otherServices();
        if (!others.isEmpty()) {
            notes.add((providesBlipSpi ? "also provides " : "provides ") + String.join(", ", others));
        } else if (!providesBlipSpi) {
            notes.add("provides nothing");
        }
        return notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")";
    }

    private Stream<Provider<?>> all() {
        return Stream.of(collectors, sinks, credentialSources, regionResolvers, tlsProviders, monitorLoaders,
                        monitorSections, haManagers)
                .flatMap(List::stream);
    }

    private static String description(Provider<?> p) {
        try {
            String text = switch (p.instance()) {
                case SinkFactory sink -> sink.description();
                case TlsProvider tls -> tls.describe();
                case MonitorSection section -> section.description();
                default -> "";
            };
            return text == null ? "" : text.strip();
        } catch (RuntimeException | LinkageError e) {
            return "(description failed: " + e + ")";
        }
    }

    private static int width(List<Provider<?>> all, java.util.function.Function<Provider<?>, String> column) {
        return all.stream().mapToInt(p -> column.apply(p).length()).max().orElse(0);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static <T> Optional<T> find(List<Provider<T>> providers, String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst().map(Provider::instance);
    }

    /**
     * Providers of a service that a plugin defines for further plugins, from every plugin layer,
     * each once: typically from the layers of directories that build on the plugin defining the
     * service. The runtime's module declares {@code uses} for the service at run time: it cannot
     * know plugin-defined services in advance.
     */
    public PluginServices services() {
        return new PluginServices() {
            @Override
            public <S> List<S> load(Class<S> service) {
                Plugins.class.getModule().addUses(service);
                var found = new ArrayList<S>();
                for (PluginLayer layer : layers) {
                    ServiceLoader.load(layer.layer(), service).stream()
                            .filter(p -> p.type().getModule().getLayer() == layer.layer())
                            .forEach(p -> found.add(p.get()));
                }
                return List.copyOf(found);
            }
        };
    }

    /** The region chain over every region resolver, in order. */
    public RegionChain regionChain() {
        return new RegionChain(regionResolvers);
    }

    /**
     * Why there is no collector for the domain and where to get one, e.g. {@code no collector named
     * 'aws.rds'. Available: [...]. It ships in plugins/aws/; is that directory present?}
     */
    public String missingCollector(String domain) {
        return unknown(Kind.COLLECTOR, collectors, domain, null);
    }

    private <T> T named(Kind<T> kind, List<Provider<T>> providers, String name, String configPath) {
        return find(providers, name).orElseThrow(() -> new BlipException(unknown(kind, providers, name, configPath)));
    }

    private <T> String unknown(Kind<T> kind, List<Provider<T>> providers, String name, String configPath) {
        String prefix = configPath == null || configPath.isBlank() ? "" : configPath + ": ";
        List<String> available = providers.stream().map(Provider::name).sorted().toList();
        String shipsIn = FirstParty.shipsIn(kind, name).orElse(null);
        String notYet = FirstParty.notYet(kind, name).orElse(null);
        String hint;
        if (notYet != null) {
            return prefix + kind.missing(name) + ": not supported yet: " + notYet + ". Available: " + available + ".";
        } else if (shipsIn == null) {
            hint = "Plugins are directories of jars under plugins/; add the one that provides it.";
        } else if (layers.stream().anyMatch(l -> l.dir().getFileName().toString().equals(shipsIn))) {
            hint = "It ships in plugins/" + shipsIn + "/, which is loaded but does not provide it; "
                    + "are its jars from this Blip version?";
        } else {
            hint = "It ships in plugins/" + shipsIn + "/; is that directory present?";
        }
        return prefix + kind.missing(name) + ". Available: " + available + ". " + hint;
    }

    private static <T> Comparator<Provider<T>> byName() {
        return Comparator.comparing(Provider::name);
    }

    /** Finds the providers of each kind in the boot layer and each plugin layer. */
    private static final class Loading {
        /** Listing errors from one loader after which the rest of its providers are given up on. */
        private static final int MAX_LISTING_ERRORS = 100;

        private final Module api;
        private final List<PluginLayer> layers;
        private final List<String> problems;

        Loading(Module api, List<PluginLayer> layers, List<String> problems) {
            this.api = api;
            this.layers = layers;
            this.problems = problems;
        }

        <T> List<Provider<T>> providers(Kind<T> kind, Comparator<Provider<T>> order) {
            var found = new ArrayList<Provider<T>>();
            ServiceLoader<T> boot = api.isNamed()
                    ? ServiceLoader.load(api.getLayer(), kind.spi())
                    // On the class path (./dev demo, an IDE) there are no layers; built-ins still load.
                    : ServiceLoader.load(kind.spi(), Plugins.class.getClassLoader());
            collect(kind, boot, Provider.BOOT, p -> true, found);
            for (PluginLayer layer : layers) {
                if (providerClassesLoad(kind, layer)) {
                    // load(layer) also returns the parent layers' providers: keep only this layer's own.
                    collect(kind, ServiceLoader.load(layer.layer(), kind.spi()), layer.origin(),
                            p -> p.type().getModule().getLayer() == layer.layer(), found);
                }
            }
            try {
                found.sort(order);
            } catch (RuntimeException | LinkageError e) {
                problems.add(kind.noun() + " providers cannot be ordered: " + e);
            }
            return List.copyOf(found);
        }

        /**
         * Loads the classes of a layer's own providers of a kind, as ServiceLoader does first, to
         * report one that cannot be loaded with its module and jar: ServiceLoader's error names
         * neither. When one fails, the layer's providers of that kind are not listed: boot fails
         * anyway, and listing would only fail again on that class.
         */
        private boolean providerClassesLoad(Kind<?> kind, PluginLayer layer) {
            boolean loaded = true;
            List<Module> modules = layer.layer().modules().stream()
                    .sorted(Comparator.comparing(Module::getName)).toList();
            for (Module module : modules) {
                for (ModuleDescriptor.Provides provides : module.getDescriptor().provides()) {
                    if (!provides.service().equals(kind.spi().getName())) {
                        continue;
                    }
                    for (String className : provides.providers()) {
                        try {
                            Class.forName(module, className);
                        } catch (LinkageError e) {
                            problems.add(layer.origin() + ": module " + where(module) + " could not load "
                                    + kind.noun() + " provider " + className + ": "
                                    + ProviderFailure.explain(e, module, className, layer.origin()));
                            loaded = false;
                        }
                    }
                }
            }
            return loaded;
        }

        private <T> void collect(Kind<T> kind, ServiceLoader<T> loader, String origin,
                                 Predicate<ServiceLoader.Provider<T>> own, List<Provider<T>> out) {
            Iterator<ServiceLoader.Provider<T>> it = loader.stream().iterator();
            // After an error the iterator moves on to the next provider; the bound is for one that would not.
            for (int errors = 0; errors < MAX_LISTING_ERRORS; ) {
                ServiceLoader.Provider<T> candidate;
                try {
                    if (!it.hasNext()) {
                        return;
                    }
                    candidate = it.next();
                } catch (ServiceConfigurationError e) {
                    problems.add(origin + ": " + kind.noun() + " providers cannot be listed: " + causes(e) + ".");
                    errors++;
                    continue;
                }
                if (own.test(candidate)) {
                    make(kind, candidate, origin).ifPresent(out::add);
                }
            }
        }

        private <T> Optional<Provider<T>> make(Kind<T> kind, ServiceLoader.Provider<T> candidate, String origin) {
            Class<? extends T> type = candidate.type();
            String where = where(type.getModule());
            T instance;
            try {
                instance = candidate.get();
            } catch (ServiceConfigurationError | LinkageError e) {
                Throwable cause = e instanceof ServiceConfigurationError && e.getCause() != null ? e.getCause() : e;
                problems.add(origin + ": module " + where + " could not create " + kind.noun() + " provider "
                        + type.getName() + ": "
                        + ProviderFailure.explain(cause, type.getModule(), type.getName(), origin));
                return Optional.empty();
            }
            String name;
            try {
                name = kind.name().apply(instance);
            } catch (RuntimeException | LinkageError e) {
                problems.add(origin + ": " + kind.noun() + " provider " + type.getName() + " in module " + where
                        + " failed to tell its name: " + e + "."
                        + (e instanceof LinkageError ? " " + ProviderFailure.advice(e, origin) : ""));
                return Optional.empty();
            }
            if (name == null || name.isBlank()) {
                problems.add(origin + ": " + kind.noun() + " provider " + type.getName() + " in module " + where
                        + " has no name.");
                return Optional.empty();
            }
            return Optional.of(new Provider<>(name, kind.id(), instance, moduleName(type.getModule()), origin));
        }

        /** {@code io.blip.test.hello (hello.jar)}. */
        private static String where(Module module) {
            return moduleName(module) + " (" + PluginLayer.jarOf(module) + ")";
        }

        /** Two providers of one kind with one name: a boot error naming both modules and origins. */
        void checkDuplicates(Plugins plugins) {
            checkDuplicates(Kind.COLLECTOR, plugins.collectors);
            checkDuplicates(Kind.SINK, plugins.sinks);
            checkDuplicates(Kind.CREDENTIAL_SOURCE, plugins.credentialSources);
            checkDuplicates(Kind.REGION_RESOLVER, plugins.regionResolvers);
            checkDuplicates(Kind.TLS_PROVIDER, plugins.tlsProviders);
            checkDuplicates(Kind.MONITOR_LOADER, plugins.monitorLoaders);
            if (plugins.haManagers.size() > 1) {
                problems.add("HA managers: " + plugins.haManagers.stream().map(p -> p.name() + " (module " + p.module()
                        + ", " + p.origin() + ")").collect(java.util.stream.Collectors.joining(", "))
                        + " are installed; a monitor asks one whether it is a standby: remove all but one");
            }
        }

        private <T> void checkDuplicates(Kind<T> kind, List<Provider<T>> providers) {
            var byName = new LinkedHashMap<String, List<Provider<T>>>();
            providers.stream()
                    .sorted(Comparator.comparing((Provider<T> p) -> p.origin().equals(Provider.BOOT) ? 0 : 1)
                            .thenComparing(Provider::origin))
                    .forEach(p -> byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p));
            for (Map.Entry<String, List<Provider<T>>> entry : byName.entrySet()) {
                List<Provider<T>> same = entry.getValue();
                if (same.size() < 2) {
                    continue;
                }
                List<String> by = same.stream().map(p -> "by module " + p.module() + " (" + p.origin() + ")").toList();
                String times = same.size() == 2 ? "twice" : same.size() + " times";
                problems.add(kind.nameNoun() + " '" + entry.getKey() + "' is provided " + times + ": "
                        + String.join(", ", by.subList(0, by.size() - 1)) + " and " + by.get(by.size() - 1)
                        + ". Remove one of them, or rename one provider.");
            }
        }

        private static String moduleName(Module module) {
            return module.isNamed() ? module.getName() : "class path";
        }

        private static String causes(Throwable e) {
            var parts = new ArrayList<String>();
            for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
                parts.add(t == e ? String.valueOf(t.getMessage()) : t.toString());
            }
            return String.join(": ", parts);
        }
    }
}
