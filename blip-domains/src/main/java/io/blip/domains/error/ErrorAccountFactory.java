package io.blip.domains.error;

import io.blip.api.collect.DomainFactory;

/**
 * The {@code error.account} domain: errors raised by account and error, from
 * {@code performance_schema.events_errors_summary_by_account_by_error}.
 */
public final class ErrorAccountFactory extends DomainFactory {
    public ErrorAccountFactory() {
        super(ErrorTable.ACCOUNT.help(), context -> new ErrorCollector(context, ErrorTable.ACCOUNT));
    }
}
