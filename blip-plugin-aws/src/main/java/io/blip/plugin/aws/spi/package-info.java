/** What the AWS plugin offers further plugins: custom AWS credentials. */
package io.blip.plugin.aws.spi;
