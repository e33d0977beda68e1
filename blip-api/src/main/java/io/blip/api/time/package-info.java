/**
 * Where Blip reads the time and waits for it: {@link io.blip.api.time.Time}, the system's in
 * production and a virtual one in tests, so that backoff, token lifetimes, time limits and level
 * scheduling are tested in virtual time.
 */
package io.blip.api.time;
