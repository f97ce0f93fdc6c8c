/**
 * The settings in force, resolved once per model from the environment, and their report.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.settings;

import org.jspecify.annotations.NullMarked;
