package io.blip.domains.error;

import io.blip.api.collect.LevelDomain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SELECT one level runs on an error summary table, as Blip's {@code metrics/error/query.go}
 * writes it: each row's {@code SUM_ERROR_RAISED}, {@code ERROR_NUMBER}, {@code ERROR_NAME} and the
 * table's own columns, of the errors the level asks for ({@code all} and the metrics list), of the
 * users, hosts, accounts or threads it asks for ({@code include}, {@code exclude}), raised at least
 * once. With {@code total=only}, the sum of those rows per user, host, account or thread instead.
 * Every name from the plan is a bound parameter.
 *
 * @param sql        the statement
 * @param parameters the values bound to its {@code ?}, in order
 * @param totalOnly  whether each row is a total ({@code total=only})
 */
record ErrorQuery(String sql, List<String> parameters, boolean totalOnly) {
    private static final Pattern ERROR_NUMBER = Pattern.compile("\\d{1,9}");
    private static final Pattern THREAD_ID = Pattern.compile("\\d{1,20}");

    ErrorQuery {
        parameters = List.copyOf(parameters);
    }

    /**
     * The level's query on {@code schema.table}.
     *
     * @throws io.blip.api.BlipException naming the domain, level, option and value of a mistake
     */
    static ErrorQuery of(ErrorTable table, String schema, LevelDomain at) {
        boolean totalOnly = at.option("total").equals("only");
        var params = new ArrayList<String>();
        var where = new ArrayList<String>();
        where.add(errors(at, params));
        if (table.hasFilters()) {
            where.add(filter(table, at, params));
        }
        where.add("SUM_ERROR_RAISED > 0");

        String columns = table.columns().isEmpty() ? "" : ", " + String.join(", ", table.columns());
        var sql = new StringBuilder("SELECT ")
                .append(totalOnly ? "SUM(SUM_ERROR_RAISED), '' ERROR_NUMBER, '' ERROR_NAME"
                        : "SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME")
                .append(columns)
                .append(" FROM ").append(schema).append('.').append(table.table())
                .append(" WHERE ").append(String.join(" AND ", where));
        if (totalOnly && !table.columns().isEmpty()) {
            sql.append(" GROUP BY ").append(String.join(", ", table.columns()));
        }
        return new ErrorQuery(sql.toString(), params, totalOnly);
    }

    /** The condition on the error: the errors listed (all=no), all but those (exclude), or any. */
    private static String errors(LevelDomain at, List<String> params) {
        String all = at.option("all");
        // The metrics list holds error numbers and names; LevelDomain.metrics() would lowercase them.
        List<String> listed = at.domain().metrics().stream().map(String::trim).filter(s -> !s.isEmpty())
                .distinct().toList();
        if (all.equals("yes") || all.equals("exclude") && listed.isEmpty()) {
            return "ERROR_NUMBER IS NOT NULL";
        }
        if (listed.isEmpty()) {
            // Blip collects every error here, the opposite of what all=no says.
            throw at.error("option all=no collects only the errors the level's metrics list, and it lists none;"
                    + " list error numbers or names (e.g. metrics: [1062, ER_LOCK_DEADLOCK]) or set all=yes");
        }
        var numbers = new ArrayList<String>();
        var names = new ArrayList<String>();
        for (String error : listed) {
            if (ERROR_NUMBER.matcher(error).matches()) {
                numbers.add(error);
            } else {
                // Error names are upper case; a plan may write them in any case.
                names.add(error.toUpperCase(Locale.ROOT));
            }
        }
        boolean in = all.equals("no");
        var conditions = new ArrayList<String>();
        if (!numbers.isEmpty()) {
            conditions.add("ERROR_NUMBER " + (in ? "IN" : "NOT IN") + " (" + placeholders(numbers.size()) + ")");
            params.addAll(numbers);
        }
        if (!names.isEmpty()) {
            conditions.add("ERROR_NAME " + (in ? "IN" : "NOT IN") + " (" + placeholders(names.size()) + ")");
            params.addAll(names);
        }
        return "(" + String.join(in ? " OR " : " AND ", conditions) + ")";
    }

    /** The condition on the user, host, account or thread: include, else exclude, else not null. */
    private static String filter(ErrorTable table, LevelDomain at, List<String> params) {
        List<String> include = at.list("include");
        boolean including = !include.isEmpty();
        List<String> items = including ? include : at.list("exclude");
        String option = including ? "include" : "exclude";
        return switch (table) {
            case ACCOUNT -> accounts(at, option, items, including, params);
            case THREAD -> {
                for (String id : items) {
                    if (!THREAD_ID.matcher(id).matches()) {
                        throw at.error("option " + option + "='" + at.option(option) + "': '" + id
                                + "' is not a thread id; list THREAD_ID numbers, e.g. 42,43");
                    }
                }
                yield in("THREAD_ID", items, including, params);
            }
            case HOST -> in("HOST", items, including, params);
            case USER -> in("USER", items, including, params);
            case GLOBAL -> throw new IllegalStateException("error.global has no include or exclude");
        };
    }

    private static String in(String column, List<String> items, boolean including, List<String> params) {
        if (items.isEmpty()) {
            return column + " IS NOT NULL";
        }
        params.addAll(items);
        return column + (including ? " IN (" : " NOT IN (") + placeholders(items.size()) + ")";
    }

    /**
     * Accounts as Blip matches them: {@code user@host}, {@code user@*} (any host), {@code *@host} (any
     * user). Blip ignores any other item; here it is an error, so a typo does not silently widen or
     * narrow what is collected.
     */
    private static String accounts(LevelDomain at, String option, List<String> items, boolean including,
                                   List<String> params) {
        var pairs = new ArrayList<String>();
        var users = new ArrayList<String>();
        var hosts = new ArrayList<String>();
        for (String item : items) {
            int atSign = item.lastIndexOf('@');
            String user = atSign < 0 ? "" : item.substring(0, atSign);
            String host = atSign < 0 ? "" : item.substring(atSign + 1);
            if (user.isEmpty() || host.isEmpty() || user.equals("*") && host.equals("*")) {
                throw at.error("option " + option + "='" + at.option(option) + "': '" + item
                        + "' is not an account; write user@host, user@* or *@host");
            }
            if (user.equals("*")) {
                hosts.add(host);
            } else if (host.equals("*")) {
                users.add(user);
            } else {
                pairs.add(user);
                pairs.add(host);
            }
        }
        String op = including ? " IN (" : " NOT IN (";
        var parts = new ArrayList<String>();
        if (!pairs.isEmpty()) {
            parts.add("(USER, HOST)" + op + String.join(", ", Collections.nCopies(pairs.size() / 2, "(?, ?)")) + ")");
            params.addAll(pairs);
        }
        if (!users.isEmpty()) {
            parts.add("USER" + op + placeholders(users.size()) + ")");
            params.addAll(users);
        }
        if (!hosts.isEmpty()) {
            parts.add("HOST" + op + placeholders(hosts.size()) + ")");
            params.addAll(hosts);
        }
        String notNull = "USER IS NOT NULL AND HOST IS NOT NULL";
        return parts.isEmpty() ? notNull
                : "(" + String.join(including ? " OR " : " AND ", parts) + ") AND " + notNull;
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
