package io.blip.domains.error;

import io.blip.api.collect.DomainFactory;

/**
 * The {@code error.global} domain: errors raised by error, from
 * {@code performance_schema.events_errors_summary_global_by_error}.
 */
public final class ErrorGlobalFactory extends DomainFactory {
    public ErrorGlobalFactory() {
        super(ErrorTable.GLOBAL.help(), context -> new ErrorCollector(context, ErrorTable.GLOBAL));
    }
}
