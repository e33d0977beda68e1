/**
 * Blip's REST API: {@link io.blip.runtime.api.ApiServer} serves Blip's endpoints (plus
 * {@code /health} and {@code /ready}) on the JDK's HTTP server, asking the running server through
 * {@link io.blip.runtime.api.ApiBackend}.
 */
package io.blip.runtime.api;
