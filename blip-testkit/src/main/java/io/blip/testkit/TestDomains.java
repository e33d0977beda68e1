package io.blip.testkit;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.plan.Plan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Domains for tests that need a monitor to reach MySQL and nothing more: each borrows a connection of
 * the monitor's pool, as a real domain does, runs the test's query on it and reports one gauge, {@code value}.
 */
public final class TestDomains {
    private TestDomains() {
    }

    /** What a test domain does on its connection. */
    @FunctionalInterface
    public interface Query {
        double run(Connection c) throws SQLException, InterruptedException;
    }

    /** A domain that borrows a connection from the monitor's pool and runs {@code query} on it. */
    public static CollectorFactory domain(String name, Query query) {
        return domain(help(name).build(), query);
    }

    /** The help of a test domain of one metric, {@code value}, for a test to add errors to. */
    public static CollectorHelp.Builder help(String name) {
        return CollectorHelp.builder(name, "a test's domain").metric("value", MetricType.GAUGE, "what the query returned");
    }

    /** A domain of that help that runs {@code query} on a connection of the monitor's pool. */
    public static CollectorFactory domain(CollectorHelp help, Query query) {
        return new CollectorFactory() {
            @Override
            public CollectorHelp help() {
                return help;
            }

            @Override
            public Collector make(CollectorContext context) {
                return new Collector() {
                    @Override
                    public void prepare(Plan plan) {
                    }

                    @Override
                    public List<MetricValue> collect(String level) throws SQLException, InterruptedException {
                        try (Connection c = context.db().getConnection()) {
                            return List.of(MetricValue.gauge("value", query.run(c)));
                        }
                    }
                };
            }
        };
    }

    /** {@code SELECT 1} on the connection. */
    public static double selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
