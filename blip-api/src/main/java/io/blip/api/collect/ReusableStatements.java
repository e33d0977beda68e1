package io.blip.api.collect;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A connection that keeps its prepared statements open from one loan to the next: a collection runs
 * the same few statements every time, and preparing one again costs the driver a statement object,
 * its parsed query and its buffers each time. A monitor's pool lends connections that are one
 * ({@code connection.isWrapperFor(ReusableStatements.class)}); {@link PerLevelCollector#query} uses
 * it when it can.
 */
public interface ReusableStatements {
    /**
     * The connection's statement for {@code sql}, prepared the first time. The connection owns it:
     * the caller binds its parameters, closes the result sets it opens, and never closes the statement.
     */
    PreparedStatement reusable(String sql) throws SQLException;
}
