/**
 * The built-in metric domains, one package each, and the few pieces they share: {@link
 * io.blip.runtime.collect.LevelDomain} (a domain as one level of a plan asks for it, with its
 * options checked), {@link io.blip.runtime.collect.PerLevel} (what {@code prepare} built, read by
 * concurrent {@code collect} calls) and {@link io.blip.runtime.collect.MysqlValues} (Blip's
 * reading of MySQL strings as numbers).
 */
package io.blip.runtime.collect;
