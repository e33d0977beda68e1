package io.blip.runtime;

/** {@code bin/blip}: runs the command line and exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = new Cli(System.getenv(), System.out, System.err).run(args);
        System.out.flush();
        System.exit(code);
    }
}
