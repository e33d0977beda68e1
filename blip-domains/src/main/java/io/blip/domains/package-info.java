/**
 * The built-in MySQL metric domains, one package each, built on the same collector SPI that a
 * third-party domain uses ({@link io.blip.api.collect.CollectorFactory}, with
 * {@link io.blip.api.collect.PerLevel} for what {@code prepare} builds per level). What they share
 * here is {@link io.blip.domains.MysqlValues}: Blip's reading of MySQL strings as numbers.
 */
package io.blip.domains;
