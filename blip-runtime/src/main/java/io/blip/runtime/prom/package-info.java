/**
 * Prometheus exposition in mysqld_exporter's names: the text format ({@link Exposition}), and the
 * translation of Blip's domains into the families the exporter writes ({@link ExporterNames}), so
 * that dashboards and alerts made for mysqld_exporter keep working. The golden source is the
 * exporter Debian ships (0.14), recorded by {@code ./dev record-exporter-fixtures}.
 */
package io.blip.runtime.prom;
