package io.blip.runtime.plugin;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MonitorSection;
import io.blip.api.config.OptionSet;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.ha.HaManagerFactory;
import io.blip.api.sink.MetricTranslator;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every provider of the blip-api SPIs, from the boot layer and from one child {@link ModuleLayer}
 * per directory under the plugins directory, indexed by name. Built at boot, except Blip's own
 * plugins that ship on demand (plugins/aws, plugins/otlp): their directories are read and made into
 * layers when a config names what they ship ({@link #prepare}), a lookup asks for it, a directory
 * made builds on them, or everything is listed; the providers then only grow.
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
    private final Module api;
    /**
     * Blip's plugins that ship on demand ({@link FirstParty#onDemand}), by what they ship as
     * ({@code aws}): their directories are not even read until a config names what they ship, as
     * reading a directory of many modules costs memory too. Guarded by this, as are {@link #read}
     * and {@link #made}.
     */
    private final Map<String, Path> pending;
    /** The directories read, in directory order. */
    private final List<PluginDir> read;
    private final Map<PluginDir, PluginLayer> made;
    /** The layers made and their providers; replaced whole when a directory is made on demand. */
    private volatile Loaded loaded;

    /** The layers made so far and the providers of each kind, from the boot layer and those layers. */
    private record Loaded(List<PluginLayer> layers, List<Provider<CollectorFactory>> collectors,
                          List<Provider<SinkFactory>> sinks, List<Provider<CredentialSourceFactory>> credentialSources,
                          List<Provider<RegionResolver>> regionResolvers, List<Provider<TlsProvider>> tlsProviders,
                          List<Provider<MonitorLoader>> monitorLoaders, List<Provider<MonitorSection>> monitorSections,
                          List<Provider<HaManagerFactory>> haManagers,
                          List<Provider<MetricTranslator>> translators) {

        static Loaded of(List<PluginLayer> layers, Loading loading) {
            return new Loaded(List.copyOf(layers),
                    loading.providers(Kind.COLLECTOR, byName()),
                    loading.providers(Kind.SINK, byName()),
                    loading.providers(Kind.CREDENTIAL_SOURCE, byName()),
                    loading.providers(Kind.REGION_RESOLVER, REGION_ORDER),
                    loading.providers(Kind.TLS_PROVIDER, byName()),
                    loading.providers(Kind.MONITOR_LOADER, byName()),
                    loading.providers(Kind.MONITOR_SECTION, byName()),
                    loading.providers(Kind.HA_MANAGER, byName()),
                    loading.providers(Kind.METRIC_TRANSLATOR, byName()));
        }

        /** The providers of a kind. */
        @SuppressWarnings("unchecked")
        <T> List<Provider<T>> of(Kind<T> kind) {
            List<?> list = kind == Kind.COLLECTOR ? collectors
                    : kind == Kind.SINK ? sinks
                    : kind == Kind.CREDENTIAL_SOURCE ? credentialSources
                    : kind == Kind.REGION_RESOLVER ? regionResolvers
                    : kind == Kind.TLS_PROVIDER ? tlsProviders
                    : kind == Kind.MONITOR_LOADER ? monitorLoaders
                    : kind == Kind.MONITOR_SECTION ? monitorSections
                    : kind == Kind.HA_MANAGER ? haManagers
                    : translators;
            return (List<Provider<T>>) list;
        }

        /** These and those added, each kind in its order. */
        Loaded plus(Loaded added) {
            var all = new ArrayList<>(layers);
            all.addAll(added.layers);
            return new Loaded(List.copyOf(all), merge(collectors, added.collectors, byName()),
                    merge(sinks, added.sinks, byName()),
                    merge(credentialSources, added.credentialSources, byName()),
                    merge(regionResolvers, added.regionResolvers, REGION_ORDER),
                    merge(tlsProviders, added.tlsProviders, byName()),
                    merge(monitorLoaders, added.monitorLoaders, byName()),
                    merge(monitorSections, added.monitorSections, byName()),
                    merge(haManagers, added.haManagers, byName()),
                    merge(translators, added.translators, byName()));
        }

        private static <T> List<Provider<T>> merge(List<Provider<T>> a, List<Provider<T>> b,
                                                   Comparator<Provider<T>> order) {
            var out = new ArrayList<>(a);
            out.addAll(b);
            out.sort(order);
            return List.copyOf(out);
        }
    }

    private static final Comparator<Provider<RegionResolver>> REGION_ORDER =
            Comparator.<Provider<RegionResolver>>comparingInt(p -> p.instance().order()).thenComparing(Provider::name);

    private Plugins(Path pluginsDir, Module api, Map<String, Path> pending, List<PluginDir> read,
                    Map<PluginDir, PluginLayer> made, Loaded loaded) {
        this.pluginsDir = pluginsDir;
        this.api = api;
        this.pending = new LinkedHashMap<>(pending);
        this.read = new ArrayList<>(read);
        this.made = new HashMap<>(made);
        this.loaded = loaded;
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
        var made = new HashMap<PluginDir, PluginLayer>();
        var read = new ArrayList<PluginDir>();
        var pending = new LinkedHashMap<String, Path>();
        if (withDirs) {
            List<Path> dirs = pluginDirs(pluginsDir, problems);
            if (!dirs.isEmpty() && !api.isNamed()) {
                problems.add(pluginsDir + ": plugins need Blip on the module path, but io.blip.api was loaded "
                        + "from the class path. Start Blip with bin/blip, or with "
                        + "java -p lib -m io.blip.runtime/io.blip.runtime.Main.");
            } else {
                for (Path dir : dirs) {
                    Optional<String> ship = FirstParty.onDemand(dir).filter(s -> !pending.containsKey(s));
                    if (ship.isPresent()) {
                        pending.put(ship.get(), dir);
                    } else {
                        PluginDir.read(dir, problems).ifPresent(read::add);
                    }
                }
                readBuiltOn(read, pending, api, problems);
                for (PluginGraph.Node node : PluginGraph.order(read, api.getLayer(), problems)) {
                    make(node, api, made, layers, problems);
                }
            }
        }
        var loading = new Loading(api, layers, problems, true);
        Loaded found = Loaded.of(layers, loading);
        loading.checkDuplicates(found);
        if (!problems.isEmpty()) {
            throw new PluginException(problems);
        }
        log.debug("plugins loaded: {} layers from {}, on demand: {}", layers.size(), pluginsDir, pending.keySet());
        return new Plugins(pluginsDir, api, pending, read, made, found);
    }

    /**
     * Reads the directories left for later that a directory read builds on (a plugin providing
     * {@code io.blip.plugin.aws.spi.AwsCredentialsFactory} requires {@code io.blip.plugin.aws}).
     */
    private static void readBuiltOn(List<PluginDir> read, Map<String, Path> pending, Module api, List<String> problems) {
        for (int i = 0; i < read.size(); i++) {
            PluginDir dir = read.get(i);
            List<String> ships = dir.explicitModules().flatMap(d -> d.requires().stream())
                    .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .map(ModuleDescriptor.Requires::name)
                    .filter(m -> api.getLayer().findModule(m).isEmpty() && read.stream().noneMatch(d -> d.holds(m)))
                    .flatMap(m -> FirstParty.shipsModule(m).stream())
                    .filter(pending::containsKey).distinct().toList();
            for (String ship : ships) {
                // Appended: read in turn, for what it builds on.
                PluginDir.read(pending.remove(ship), problems).ifPresent(read::add);
            }
        }
    }

    /** Makes a directory's layer after its parents'; adds a problem when it cannot be made. */
    private static void make(PluginGraph.Node node, Module api, Map<PluginDir, PluginLayer> made,
                             List<PluginLayer> layers, List<String> problems) {
        if (!node.buildable()) {
            return;
        }
        List<PluginGraph.Edge> unmade = node.parents().stream().filter(e -> !made.containsKey(e.on())).toList();
        if (!unmade.isEmpty()) {
            problems.add(PluginGraph.notLoaded(node.dir(), unmade));
            return;
        }
        List<PluginLayer> parents = node.parents().stream().map(e -> made.get(e.on())).toList();
        PluginLayer.build(node.dir(), parents, api.getLayer(), api.getClassLoader(), problems).ifPresent(layer -> {
            made.put(node.dir(), layer);
            layers.add(layer);
        });
    }

    /**
     * Makes the layers of Blip's plugins left for later that ship a provider of one of these names
     * (of any kind: {@code aws}, {@code otlp}, {@code aws.rds}), e.g. every name a config mentions,
     * and adds their providers.
     *
     * @throws PluginException when one cannot be made or its providers clash with those loaded
     */
    public void prepare(Collection<String> names) throws BlipException {
        Set<String> ships = FirstParty.shippedIn(names);
        if (!ships.isEmpty()) {
            makeLater(ships::contains);
        }
    }

    /** Makes every directory left for later: for what lists every provider ({@code --print-plugins}). */
    public void prepareAll() throws BlipException {
        makeLater(ship -> true);
    }

    private synchronized void makeLater(Predicate<String> wanted) {
        List<String> ships = pending.keySet().stream().filter(wanted).toList();
        if (ships.isEmpty()) {
            return;
        }
        var problems = new ArrayList<String>();
        int before = read.size();
        for (String ship : ships) {
            PluginDir.read(pending.remove(ship), problems).ifPresent(read::add);
        }
        if (read.size() > before) {
            readBuiltOn(read, pending, api, problems);
        }
        var layers = new ArrayList<PluginLayer>();
        for (PluginGraph.Node node : PluginGraph.order(read, api.getLayer(), problems)) {
            if (!made.containsKey(node.dir())) {
                make(node, api, made, layers, problems);
            }
        }
        var loading = new Loading(api, layers, problems, false);
        Loaded merged = loaded.plus(Loaded.of(layers, loading));
        loading.checkDuplicates(merged);
        if (!problems.isEmpty()) {
            throw new PluginException(problems);
        }
        loaded = merged;
        log.debug("plugins made on demand: {}", layers.stream().map(PluginLayer::origin).toList());
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

    /** The collectors loaded: those of Blip's plugins that ship on demand once {@link #prepare prepared}. */
    public List<Provider<CollectorFactory>> collectors() {
        return loaded.collectors();
    }

    /** The sinks loaded: those of Blip's plugins that ship on demand once {@link #prepare prepared}. */
    public List<Provider<SinkFactory>> sinks() {
        return loaded.sinks();
    }

    /** The domains of the collectors loaded and of those of Blip's plugins that ship on demand, sorted. */
    public List<String> collectorNames() {
        return names(Kind.COLLECTOR);
    }

    /** The names of the sinks loaded and of those of Blip's plugins that ship on demand, sorted. */
    public List<String> sinkNames() {
        return names(Kind.SINK);
    }

    private synchronized List<String> names(Kind<?> kind) {
        var names = new TreeSet<String>();
        loaded.of(kind).forEach(p -> names.add(p.name()));
        pending.keySet().forEach(ship -> names.addAll(FirstParty.shippedBy(kind, ship)));
        return List.copyOf(names);
    }

    List<Provider<CredentialSourceFactory>> credentialSources() {
        return loaded.credentialSources();
    }

    public List<Provider<TlsProvider>> tlsProviders() {
        return loaded.tlsProviders();
    }

    /** The installed HA manager, if any: at most one (Blip's {@code ha.Register} keeps the first). */
    public List<Provider<HaManagerFactory>> haManagers() {
        return loaded.haManagers();
    }

    /** The metric translators installed, by name: what a sink's {@code metric-translator} chooses from. */
    public Map<String, MetricTranslator> translators() {
        var byName = new LinkedHashMap<String, MetricTranslator>();
        loaded.translators().forEach(p -> byName.put(p.name(), p.instance()));
        return byName;
    }

    /**
     * What the loaded plugins declare that a config must follow ({@link #prepare} first with the
     * names the config mentions, so that Blip's plugins that ship on demand declare theirs): every sink's options with
     * {@code sinkOptions} added (the delivery options every sink has; a sink's own declaration of
     * one of them wins, e.g. with another default), every monitor loader's options, and the
     * monitor sections, each merged from all the plugins that declare part of it.
     *
     * @throws BlipException when two plugins declare one section key differently
     */
    public Declarations declarations(OptionSet sinkOptions) throws BlipException {
        Loaded now = loaded;
        var sinkDeclarations = new LinkedHashMap<String, OptionSet>();
        now.sinks().forEach(p -> sinkDeclarations.put(p.name(), sinkOptions.with(p.instance().options())));
        var loaders = new LinkedHashMap<String, OptionSet>();
        now.monitorLoaders().forEach(p -> loaders.put(p.name(), p.instance().options()));
        var sections = new LinkedHashMap<String, OptionSet>();
        var declaredBy = new LinkedHashMap<String, String>();
        for (Provider<MonitorSection> p : now.monitorSections()) {
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
                return unknown(Kind.MONITOR_LOADER, now.monitorLoaders(), name, null);
            }

            @Override
            public String missingSink(String name) {
                return unknown(Kind.SINK, now.sinks(), name, null);
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
        return named(Kind.COLLECTOR, domain, configPath);
    }

    /** The sink factory of a name; {@code configPath} is where the config names it, for the message. */
    public SinkFactory sink(String name, String configPath) throws BlipException {
        return named(Kind.SINK, name, configPath);
    }

    /**
     * The sink a monitor uses when its config names none: the one loaded sink that says it is the
     * default ({@link SinkFactory#isDefault()}, Blip's {@code log}).
     *
     * @throws BlipException when none or more than one says so
     */
    public String defaultSink() throws BlipException {
        List<Provider<SinkFactory>> sinks = loaded.sinks();
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
        return named(Kind.CREDENTIAL_SOURCE, name, configPath);
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
        return loaded.credentialSources().stream().map(Provider::instance).filter(f -> f.handles(monitor))
                .max(Comparator.comparingInt(CredentialSourceFactory::precedence));
    }

    public MonitorLoader monitorLoader(String name, String configPath) throws BlipException {
        return named(Kind.MONITOR_LOADER, name, configPath);
    }

    /** The plugin layers made, in load order. */
    List<PluginLayer> layers() {
        return loaded.layers();
    }

    /** The plugin directories that became layers, in load order: a directory after those it builds on. */
    List<Path> layerDirs() {
        return layers().stream().map(PluginLayer::dir).toList();
    }

    /**
     * What {@code --print-plugins} prints: one line per provider (name, kind, module, origin, and
     * the provider's own description if it has one), then each plugin layer with its modules,
     * including layers that provide nothing, e.g.
     * {@code plugins/mycreds (parents: plugins/aws; provides io.blip.plugin.aws.spi.AwsCredentialsFactory): com.example.mycreds}.
     */
    public String describe() {
        prepareAll();
        List<PluginLayer> layers = layers();
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
        Loaded now = loaded;
        return Stream.of(now.collectors(), now.sinks(), now.credentialSources(), now.regionResolvers(),
                        now.tlsProviders(), now.monitorLoaders(), now.monitorSections(), now.haManagers(),
                        now.translators())
                .flatMap(List::stream);
    }

    private static String description(Provider<?> p) {
        try {
            String text = switch (p.instance()) {
                case SinkFactory sink -> sink.description();
                case TlsProvider tls -> tls.describe();
                case MonitorSection section -> section.description();
                case MetricTranslator translator -> translator.description();
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
                for (PluginLayer layer : layers()) {
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
        return new RegionChain(() -> loaded.regionResolvers());
    }

    /**
     * Why there is no collector for the domain and where to get one, e.g. {@code no collector named
     * 'aws.rds'. Available: [...]. It ships in plugins/aws/; is that directory present?}
     */
    public String missingCollector(String domain) {
        return unknown(Kind.COLLECTOR, loaded.collectors(), domain, null);
    }

    /** The provider of a kind and name, its plugin made first if it is one of Blip's that ship on demand. */
    private <T> T named(Kind<T> kind, String name, String configPath) {
        FirstParty.shipsIn(kind, name).ifPresent(ship -> makeLater(ship::equals));
        List<Provider<T>> providers = loaded.of(kind);
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
        } else if (layers().stream().anyMatch(l -> l.dir().getFileName().toString().equals(shipsIn))) {
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
        private final boolean withBoot;

        /** @param withBoot whether to list the boot layer's providers too, or only those of {@code layers} */
        Loading(Module api, List<PluginLayer> layers, List<String> problems, boolean withBoot) {
            this.api = api;
            this.layers = layers;
            this.problems = problems;
            this.withBoot = withBoot;
        }

        <T> List<Provider<T>> providers(Kind<T> kind, Comparator<Provider<T>> order) {
            var found = new ArrayList<Provider<T>>();
            if (withBoot) {
                ServiceLoader<T> boot = api.isNamed()
                        ? ServiceLoader.load(api.getLayer(), kind.spi())
                        // On the class path (./dev demo, an IDE) there are no layers; built-ins still load.
                        : ServiceLoader.load(kind.spi(), Plugins.class.getClassLoader());
                collect(kind, boot, Provider.BOOT, p -> true, found);
            }
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
        void checkDuplicates(Loaded plugins) {
            checkDuplicates(Kind.COLLECTOR, plugins.collectors());
            checkDuplicates(Kind.SINK, plugins.sinks());
            checkDuplicates(Kind.CREDENTIAL_SOURCE, plugins.credentialSources());
            checkDuplicates(Kind.REGION_RESOLVER, plugins.regionResolvers());
            checkDuplicates(Kind.TLS_PROVIDER, plugins.tlsProviders());
            checkDuplicates(Kind.MONITOR_LOADER, plugins.monitorLoaders());
            checkDuplicates(Kind.METRIC_TRANSLATOR, plugins.translators());
            if (plugins.haManagers().size() > 1) {
                problems.add("HA managers: " + plugins.haManagers().stream().map(p -> p.name() + " (module " + p.module()
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
