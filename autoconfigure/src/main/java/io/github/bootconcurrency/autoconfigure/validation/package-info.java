/**
 * Validation of the settings: invalid values and unknown keys, collected and reported in
 * one failure analysis.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.validation;

import org.jspecify.annotations.NullMarked;
