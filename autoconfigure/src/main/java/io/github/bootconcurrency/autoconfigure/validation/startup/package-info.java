/**
 * The checks of the settings that run while the application starts, before any bean
 * exists: unknown keys and unresolved placeholders.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.validation.startup;

import org.jspecify.annotations.NullMarked;
