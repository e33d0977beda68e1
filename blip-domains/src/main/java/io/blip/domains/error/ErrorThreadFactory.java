package io.blip.domains.error;

import io.blip.api.collect.DomainFactory;

/**
 * The {@code error.thread} domain: errors raised by thread and error, from
 * {@code performance_schema.events_errors_summary_by_thread_by_error}.
 */
public final class ErrorThreadFactory extends DomainFactory {
    public ErrorThreadFactory() {
        super(ErrorTable.THREAD.help(), context -> new ErrorCollector(context, ErrorTable.THREAD));
    }
}
