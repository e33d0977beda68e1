package io.blip.plugin.aws.cloudwatch;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;
import io.blip.api.config.Option;

/**
 * The {@code aws.rds} domain (Blip's {@code metrics/aws.rds}): Amazon RDS metrics from CloudWatch
 * {@code GetMetricData}, namespace {@code AWS/RDS}, dimension {@code DBInstanceIdentifier}, the
 * {@code Average} of each 60 s period (CloudWatch's finest for RDS), named as AWS names them.
 *
 * <p>The metrics below are the common ones, with their units; they are not a limit: a plan may list
 * any {@code AWS/RDS} metric name whose characters a plan allows (letters, digits, {@code _},
 * {@code -}). A name that matches one below in another case ({@code cpuutilization}) is asked for
 * and reported with the AWS spelling, because CloudWatch names are case-sensitive.
 *
 * <p>Making a collector does no I/O: it builds its CloudWatch client in {@code prepare}.
 */
public final class AwsRdsFactory extends DomainFactory {
    public static final String DOMAIN = "aws.rds";
    public static final String OPT_DB_ID = "db-id";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN,
                    "Amazon RDS metrics from CloudWatch (AWS/RDS, Average per minute) named as AWS names them, "
                            + "like CPUUtilization and FreeableMemory; any AWS/RDS metric may be listed")
            .option(Option.string(OPT_DB_ID, "DB instance identifier (the CloudWatch DBInstanceIdentifier dimension)")
                    .withDefault("%{monitor.id}"))
            // Every RDS engine
            .metric("BinLogDiskUsage", MetricType.GAUGE, "By", "Disk space used by binary logs")
            .metric("BurstBalance", MetricType.GAUGE, "%", "General Purpose SSD (gp2) I/O credits left")
            .metric("CPUCreditBalance", MetricType.GAUGE, "", "CPU credits earned and not spent (T instances)")
            .metric("CPUCreditUsage", MetricType.GAUGE, "", "CPU credits spent (T instances)")
            .metric("CPUUtilization", MetricType.GAUGE, "%", "CPU used")
            .metric("DatabaseConnections", MetricType.GAUGE, "", "Client connections")
            .metric("DiskQueueDepth", MetricType.GAUGE, "", "I/O requests waiting for the disk")
            .metric("FreeableMemory", MetricType.GAUGE, "By", "Available memory")
            .metric("FreeStorageSpace", MetricType.GAUGE, "By", "Available storage")
            .metric("NetworkReceiveThroughput", MetricType.GAUGE, "By/s", "Network traffic in")
            .metric("NetworkTransmitThroughput", MetricType.GAUGE, "By/s", "Network traffic out")
            .metric("ReadIOPS", MetricType.GAUGE, "1/s", "Disk reads per second")
            .metric("ReadLatency", MetricType.GAUGE, "s", "Average time per disk read")
            .metric("ReadThroughput", MetricType.GAUGE, "By/s", "Bytes read from disk per second")
            .metric("ReplicaLag", MetricType.GAUGE, "s", "Read replica lag behind its source")
            .metric("SwapUsage", MetricType.GAUGE, "By", "Swap space used")
            .metric("WriteIOPS", MetricType.GAUGE, "1/s", "Disk writes per second")
            .metric("WriteLatency", MetricType.GAUGE, "s", "Average time per disk write")
            .metric("WriteThroughput", MetricType.GAUGE, "By/s", "Bytes written to disk per second")
            .metric("DBLoad", MetricType.GAUGE, "", "Average active sessions (Performance Insights)")
            .metric("DBLoadCPU", MetricType.GAUGE, "", "Average active sessions on CPU (Performance Insights)")
            .metric("DBLoadNonCPU", MetricType.GAUGE, "", "Average active sessions waiting (Performance Insights)")
            // Aurora MySQL instances
            .metric("AbortedClients", MetricType.DELTA_COUNTER, "", "Client connections not closed properly")
            .metric("ActiveTransactions", MetricType.GAUGE, "1/s", "Transactions running per second")
            .metric("AuroraBinlogReplicaLag", MetricType.GAUGE, "s", "Binary log replica lag")
            .metric("AuroraReplicaLag", MetricType.GAUGE, "ms", "Aurora replica lag behind the writer")
            .metric("BacktrackWindowAlert", MetricType.DELTA_COUNTER, "", "Times the backtrack window fell short")
            .metric("BufferCacheHitRatio", MetricType.GAUGE, "%", "Reads served from the buffer cache")
            .metric("CommitLatency", MetricType.GAUGE, "ms", "Average commit time")
            .metric("CommitThroughput", MetricType.GAUGE, "1/s", "Commits per second")
            .metric("Deadlocks", MetricType.GAUGE, "1/s", "Deadlocks per second")
            .metric("DMLLatency", MetricType.GAUGE, "ms", "Average time of inserts, updates and deletes")
            .metric("DMLThroughput", MetricType.GAUGE, "1/s", "Inserts, updates and deletes per second")
            .metric("EngineUptime", MetricType.GAUGE, "s", "Time the engine has run")
            .metric("FreeLocalStorage", MetricType.GAUGE, "By", "Local storage available")
            .metric("NumBinaryLogFiles", MetricType.GAUGE, "", "Binary log files")
            .metric("Queries", MetricType.GAUGE, "1/s", "Statements per second")
            .metric("RowLockTime", MetricType.GAUGE, "ms", "Time spent acquiring InnoDB row locks")
            .metric("SelectLatency", MetricType.GAUGE, "ms", "Average SELECT time")
            .metric("SelectThroughput", MetricType.GAUGE, "1/s", "SELECTs per second")
            .build();

    public AwsRdsFactory() {
        super(HELP, AwsRdsCollector::new);
    }
}
