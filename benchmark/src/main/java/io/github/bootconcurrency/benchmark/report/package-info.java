/**
 * The report of a suite run: the targets, docs/benchmarks.md, its CSV and its charts.
 */
@NullMarked
package io.github.bootconcurrency.benchmark.report;

import org.jspecify.annotations.NullMarked;
