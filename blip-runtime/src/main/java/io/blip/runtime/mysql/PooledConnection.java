package io.blip.runtime.mysql;

import io.blip.api.collect.ReusableStatements;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection lent by {@link MonitorPool}: {@link #close()} gives the physical connection back to
 * the pool instead of closing it. Every other call goes to the physical connection while the loan
 * lasts, and fails once it has been given back. Statements asked for with {@link #reusable} stay
 * prepared on the physical connection for the next loan (the pool keeps them).
 */
final class PooledConnection implements Connection, ReusableStatements {
    private final MonitorPool pool;
    private final Connection physical;
    private volatile boolean returned;

    PooledConnection(MonitorPool pool, Connection physical) {
        this.pool = pool;
        this.physical = physical;
    }

    private Connection open() throws SQLException {
        if (returned) {
            throw new SQLException("connection already closed (given back to the pool)", "08003");
        }
        return physical;
    }

    private Connection openForClientInfo() throws SQLClientInfoException {
        if (returned) {
            throw new SQLClientInfoException("connection already closed (given back to the pool)", Map.of());
        }
        return physical;
    }

    @Override
    public PreparedStatement reusable(String sql) throws SQLException {
        return pool.reusable(open(), sql);
    }

    @Override
    public void close() {
        if (!returned) {
            returned = true;
            pool.giveBack(physical);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return returned || physical.isClosed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        returned = true;
        pool.discard(physical);
        physical.abort(executor);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return open().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || open().isWrapperFor(iface);
    }

    @Override
    public void beginRequest() throws SQLException {
        open().beginRequest();
    }

    @Override
    public void clearWarnings() throws SQLException {
        open().clearWarnings();
    }

    @Override
    public void commit() throws SQLException {
        open().commit();
    }

    @Override
    public Array createArrayOf(String arg0, Object[] arg1) throws SQLException {
        return open().createArrayOf(arg0, arg1);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return open().createBlob();
    }

    @Override
    public Clob createClob() throws SQLException {
        return open().createClob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return open().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return open().createSQLXML();
    }

    @Override
    public Statement createStatement() throws SQLException {
        return open().createStatement();
    }

    @Override
    public Statement createStatement(int arg0, int arg1) throws SQLException {
        return open().createStatement(arg0, arg1);
    }

    @Override
    public Statement createStatement(int arg0, int arg1, int arg2) throws SQLException {
        return open().createStatement(arg0, arg1, arg2);
    }

    @Override
    public Struct createStruct(String arg0, Object[] arg1) throws SQLException {
        return open().createStruct(arg0, arg1);
    }

    @Override
    public void endRequest() throws SQLException {
        open().endRequest();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return open().getAutoCommit();
    }

    @Override
    public String getCatalog() throws SQLException {
        return open().getCatalog();
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return open().getClientInfo();
    }

    @Override
    public String getClientInfo(String arg0) throws SQLException {
        return open().getClientInfo(arg0);
    }

    @Override
    public int getHoldability() throws SQLException {
        return open().getHoldability();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return open().getMetaData();
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return open().getNetworkTimeout();
    }

    @Override
    public String getSchema() throws SQLException {
        return open().getSchema();
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return open().getTransactionIsolation();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return open().getTypeMap();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return open().getWarnings();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return open().isReadOnly();
    }

    @Override
    public boolean isValid(int arg0) throws SQLException {
        return open().isValid(arg0);
    }

    @Override
    public String nativeSQL(String arg0) throws SQLException {
        return open().nativeSQL(arg0);
    }

    @Override
    public CallableStatement prepareCall(String arg0) throws SQLException {
        return open().prepareCall(arg0);
    }

    @Override
    public CallableStatement prepareCall(String arg0, int arg1, int arg2) throws SQLException {
        return open().prepareCall(arg0, arg1, arg2);
    }

    @Override
    public CallableStatement prepareCall(String arg0, int arg1, int arg2, int arg3) throws SQLException {
        return open().prepareCall(arg0, arg1, arg2, arg3);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0) throws SQLException {
        return open().prepareStatement(arg0);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int[] arg1) throws SQLException {
        return open().prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, String[] arg1) throws SQLException {
        return open().prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1) throws SQLException {
        return open().prepareStatement(arg0, arg1);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1, int arg2) throws SQLException {
        return open().prepareStatement(arg0, arg1, arg2);
    }

    @Override
    public PreparedStatement prepareStatement(String arg0, int arg1, int arg2, int arg3) throws SQLException {
        return open().prepareStatement(arg0, arg1, arg2, arg3);
    }

    @Override
    public void releaseSavepoint(Savepoint arg0) throws SQLException {
        open().releaseSavepoint(arg0);
    }

    @Override
    public void rollback() throws SQLException {
        open().rollback();
    }

    @Override
    public void rollback(Savepoint arg0) throws SQLException {
        open().rollback(arg0);
    }

    @Override
    public void setAutoCommit(boolean arg0) throws SQLException {
        open().setAutoCommit(arg0);
    }

    @Override
    public void setCatalog(String arg0) throws SQLException {
        open().setCatalog(arg0);
    }

    @Override
    public void setClientInfo(Properties arg0) throws SQLClientInfoException {
        openForClientInfo().setClientInfo(arg0);
    }

    @Override
    public void setClientInfo(String arg0, String arg1) throws SQLClientInfoException {
        openForClientInfo().setClientInfo(arg0, arg1);
    }

    @Override
    public void setHoldability(int arg0) throws SQLException {
        open().setHoldability(arg0);
    }

    @Override
    public void setNetworkTimeout(Executor arg0, int arg1) throws SQLException {
        open().setNetworkTimeout(arg0, arg1);
    }

    @Override
    public void setReadOnly(boolean arg0) throws SQLException {
        open().setReadOnly(arg0);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return open().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String arg0) throws SQLException {
        return open().setSavepoint(arg0);
    }

    @Override
    public void setSchema(String arg0) throws SQLException {
        open().setSchema(arg0);
    }

    @Override
    public void setShardingKey(ShardingKey arg0) throws SQLException {
        open().setShardingKey(arg0);
    }

    @Override
    public void setShardingKey(ShardingKey arg0, ShardingKey arg1) throws SQLException {
        open().setShardingKey(arg0, arg1);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey arg0, int arg1) throws SQLException {
        return open().setShardingKeyIfValid(arg0, arg1);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey arg0, ShardingKey arg1, int arg2) throws SQLException {
        return open().setShardingKeyIfValid(arg0, arg1, arg2);
    }

    @Override
    public void setTransactionIsolation(int arg0) throws SQLException {
        open().setTransactionIsolation(arg0);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> arg0) throws SQLException {
        open().setTypeMap(arg0);
    }
}
