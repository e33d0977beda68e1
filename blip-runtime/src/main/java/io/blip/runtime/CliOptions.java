package io.blip.runtime;

import java.nio.file.Path;

/**
 * What the command line (and its environment variables) asked for.
 *
 * @param config        the config file; null for the default ({@code blip.yaml} in the working
 *                      directory, optional)
 * @param pluginsDir    the plugins directory
 * @param debug         debug logging to STDERR
 * @param log           info events to STDOUT
 * @param run           false: boot, print what was asked, exit
 */
public record CliOptions(Path config, Path pluginsDir, boolean debug, boolean log,
                         boolean printConfig, boolean printDomains, boolean printMonitors, boolean printPlans,
                         boolean printPlugins, boolean run) {
}
