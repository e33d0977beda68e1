/**
 * The built-in MySQL metric domains, one package each, built on the same collector SPI and helpers
 * that a third-party domain uses: each factory is a {@link io.blip.api.collect.DomainFactory}, each
 * collector a {@link io.blip.api.collect.PerLevelCollector}. What they share here is
 * {@link io.blip.domains.MysqlValues}: Blip's reading of MySQL strings as numbers.
 */
package io.blip.domains;
