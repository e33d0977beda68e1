package io.blip.bench;

import picocli.CommandLine;

/** How the bench's main programs run: picocli, and a failure told as a message a person can act on. */
final class Cli {
    private Cli() {
    }

    /** Runs {@code command} (a picocli {@code @Command}) with {@code args} and exits with its status. */
    static void run(String name, Object command, String[] args) {
        CommandLine cli = new CommandLine(command).setExecutionExceptionHandler((e, c, parsed) -> {
            // What a person can act on (no exporter, no distribution, a process that died) needs no stack trace.
            System.err.println(name + ": failed: " + e.getMessage());
            if (!(e instanceof IllegalStateException)) {
                e.printStackTrace();
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
