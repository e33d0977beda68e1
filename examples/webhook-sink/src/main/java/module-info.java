/** An example sink: each batch of collections as one JSON POST to a URL. */
module com.example.blip.webhook {
    requires io.blip.api;
    requires java.net.http;

    provides io.blip.api.sink.SinkFactory with com.example.blip.webhook.WebhookSinkFactory;
}
