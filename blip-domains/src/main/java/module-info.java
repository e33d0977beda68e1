/**
 * The built-in MySQL domains ({@code status.global}, {@code var.global}, {@code innodb},
 * {@code repl}, {@code repl.lag}, {@code size.*}, {@code trx}, {@code error.global},
 * {@code error.account}, {@code error.host}, {@code error.thread}, {@code error.user},
 * {@code innodb.buffer-pool}, {@code autoinc}, {@code tls}, {@code query.response-time},
 * {@code wait.io.table}, {@code stmt.current}, {@code percona.response-time}). They are found like a
 * plugin's domains, through {@link io.blip.api.collect.CollectorFactory}, but ship in the boot layer
 * ({@code lib/}), so nothing changes for users.
 */
module io.blip.domains {
    requires io.blip.api;
    requires org.slf4j;

    provides io.blip.api.collect.CollectorFactory with
            io.blip.domains.statusglobal.StatusGlobalFactory,
            io.blip.domains.varglobal.VarGlobalFactory,
            io.blip.domains.innodb.InnodbFactory,
            io.blip.domains.repl.ReplFactory,
            io.blip.domains.repllag.ReplLagFactory,
            io.blip.domains.sizedatabase.SizeDatabaseFactory,
            io.blip.domains.sizetable.SizeTableFactory,
            io.blip.domains.sizebinlog.SizeBinlogFactory,
            io.blip.domains.trx.TrxFactory,
            io.blip.domains.error.ErrorGlobalFactory,
            io.blip.domains.error.ErrorAccountFactory,
            io.blip.domains.error.ErrorHostFactory,
            io.blip.domains.error.ErrorThreadFactory,
            io.blip.domains.error.ErrorUserFactory,
            io.blip.domains.innodbbufferpool.InnodbBufferPoolFactory,
            io.blip.domains.autoinc.AutoincFactory,
            io.blip.domains.tls.TlsFactory,
            io.blip.domains.queryresponsetime.QueryResponseTimeFactory,
            io.blip.domains.waitiotable.WaitIoTableFactory,
            io.blip.domains.stmtcurrent.StmtCurrentFactory,
            io.blip.domains.perconaresponsetime.PerconaResponseTimeFactory;
}
