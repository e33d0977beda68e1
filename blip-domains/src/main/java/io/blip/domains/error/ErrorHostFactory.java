package io.blip.domains.error;

import io.blip.api.collect.DomainFactory;

/**
 * The {@code error.host} domain: errors raised by host and error, from
 * {@code performance_schema.events_errors_summary_by_host_by_error}.
 */
public final class ErrorHostFactory extends DomainFactory {
    public ErrorHostFactory() {
        super(ErrorTable.HOST.help(), context -> new ErrorCollector(context, ErrorTable.HOST));
    }
}
