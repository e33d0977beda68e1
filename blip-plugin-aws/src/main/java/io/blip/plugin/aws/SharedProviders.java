package io.blip.plugin.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Credential providers shared by the whole process, by key, so that every client of every monitor
 * (each credential source and collector has an {@code AwsClients} of its own) shares one STS client
 * and one set of credentials, asked for once and again only before they expire. Process-wide like
 * the timer: nothing here has a lifecycle to hang it on. The least recently used entry is dropped
 * beyond the limit and not closed, as a client may still use it; it holds no thread and no pooled
 * connection (URL-connection client, the shared timer), so the garbage collector is enough.
 */
final class SharedProviders<K> {
    private final int max;
    private final Map<K, AwsCredentialsProvider> cache = new LinkedHashMap<>(16, 0.75f, true);

    SharedProviders(int max) {
        this.max = max;
    }

    synchronized AwsCredentialsProvider get(K key, Supplier<? extends AwsCredentialsProvider> make) {
        AwsCredentialsProvider found = cache.computeIfAbsent(key, k -> make.get());
        if (cache.size() > max) {
            cache.remove(cache.keySet().iterator().next());
        }
        return found;
    }
}
