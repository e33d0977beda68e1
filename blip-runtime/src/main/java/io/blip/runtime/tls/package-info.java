/**
 * TLS to MySQL, in memory: PEM certificates and keys (read with {@link io.blip.api.tls.Pem}), each
 * monitor's settings from its config, my.cnf or a TLS provider
 * ({@link io.blip.runtime.tls.TlsResolver}), and the handshake with Blip's own checks
 * ({@link io.blip.runtime.tls.TlsClient}). Nothing here knows the MySQL driver.
 */
package io.blip.runtime.tls;
