/** What the runtime offers plugins about other plugins. */
package io.blip.api.plugin;
