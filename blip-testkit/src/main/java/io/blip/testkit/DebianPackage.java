package io.blip.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A Debian package a test or benchmark needs because it runs the real program (the mysqld exporter,
 * the Prometheus Python client's parser): installed with {@code apt-get install -y} when missing,
 * after an {@code apt-get update} if the first attempt fails (a fresh container has no package
 * lists). A run without it is no evidence, so when it still cannot be installed this fails, naming
 * the package.
 */
public final class DebianPackage {
    private DebianPackage() {
    }

    /**
     * Installs {@code name} unless {@code installed} says it is there already.
     *
     * @param who       who asks, the prefix of what this prints, e.g. {@code vs-exporter}
     * @param installed whether what the package brings is usable; asked before and after installing
     * @param why       what it is needed for, a sentence for the error
     * @throws IllegalStateException when it is still not installed; the message names the package
     */
    public static void ensure(String name, String who, BooleanSupplier installed, String why) {
        if (installed.getAsBoolean()) {
            return;
        }
        System.out.println(who + ": " + name + " is missing; apt-get install -y " + name);
        String outcome = apt("install", "-y", name);
        if (!outcome.isEmpty()) {
            System.out.println(who + ": apt-get install " + outcome + "; apt-get update, then again");
            apt("update");
            outcome = apt("install", "-y", name);
        }
        if (!installed.getAsBoolean()) {
            throw new IllegalStateException("Debian package " + name + " is not installed, and apt-get install -y "
                    + name + (outcome.isEmpty() ? " did not make it usable" : " " + outcome) + ". " + why
                    + " Install it (as root: apt-get install " + name + ") and run again.");
        }
    }

    /** Runs apt-get with the terminal's output; returns what went wrong, or nothing when it exited 0. */
    private static String apt(String... args) {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        // invoke-rc.d starts no service in runlevel 1: a package with a daemon (mariadb-server) is
        // installed for its programs, not to leave a system server running where no policy-rc.d forbids it.
        pb.environment().put("RUNLEVEL", "1");
        try {
            int status = pb.start().waitFor();
            return status == 0 ? "" : "failed (exit " + status + ")";
        } catch (IOException e) {
            return "could not run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was interrupted";
        }
    }
}
