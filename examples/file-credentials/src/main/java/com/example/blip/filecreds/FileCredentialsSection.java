package com.example.blip.filecreds;

import io.blip.api.config.MonitorSection;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;

/**
 * The plugin's section of a monitor's config, a default for every monitor at the top level or per
 * monitor:
 *
 * <pre>
 * file-credentials:
 *   path: /etc/blip/db1.properties   # user=..., password=...
 * </pre>
 */
public final class FileCredentialsSection implements MonitorSection {
    static final String NAME = "file-credentials";
    static final OptionSet OPTIONS = OptionSet.of(
            Option.path("path", "A properties file with user and password, read again after access denied"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Where the file-credentials source reads a monitor's user and password";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }
}
