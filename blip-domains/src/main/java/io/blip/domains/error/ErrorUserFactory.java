package io.blip.domains.error;

import io.blip.api.collect.DomainFactory;

/**
 * The {@code error.user} domain: errors raised by user and error, from
 * {@code performance_schema.events_errors_summary_by_user_by_error}.
 */
public final class ErrorUserFactory extends DomainFactory {
    public ErrorUserFactory() {
        super(ErrorTable.USER.help(), context -> new ErrorCollector(context, ErrorTable.USER));
    }
}
