package com.example.blip.webhook;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;

/**
 * The {@code webhook} sink: POSTs each batch of collections, as a JSON array, to {@code url}.
 *
 * <pre>
 * sinks:
 *   webhook:
 *     url: https://hooks.example.com/blip
 *     token: ${WEBHOOK_TOKEN}
 * </pre>
 */
public final class WebhookSinkFactory extends SinkFactory.Base {
    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("url", "Where to POST the collections")
                    .matching("https?://.+", "is not an http(s) URL; write it like https://hooks.example.com/blip")
                    .required("set it to the URL that takes the collections"),
            Option.string("token", "Bearer token sent in the Authorization header").asSecret()
                    .env("WEBHOOK_TOKEN"));

    public WebhookSinkFactory() {
        super("webhook", "POSTs each batch of collections as a JSON array to a URL", OPTIONS);
    }

    @Override
    public Sink<String> make(SinkContext context) {
        var options = context.options();
        // send-timeout is one of the delivery options every sink has: it bounds each request.
        return new WebhookSink(options.string("url"), options.secret("token"), options.duration("send-timeout"));
    }
}
