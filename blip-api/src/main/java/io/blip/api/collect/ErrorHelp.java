package io.blip.api.collect;

import java.util.Objects;
import java.util.Set;

/**
 * An error a domain declares, so that a plan can give it a policy
 * ({@code report|report-once|ignore}, {@code drop|zero}, {@code retry|stop}).
 *
 * @param name            the error name used in plans, e.g. {@code access-denied}
 * @param description     when it happens
 * @param mysqlErrorCodes the MySQL error codes that are this error (e.g. 1227)
 */
public record ErrorHelp(String name, String description, Set<Integer> mysqlErrorCodes) {
    public ErrorHelp {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        mysqlErrorCodes = Set.copyOf(mysqlErrorCodes == null ? Set.of() : mysqlErrorCodes);
    }
}
