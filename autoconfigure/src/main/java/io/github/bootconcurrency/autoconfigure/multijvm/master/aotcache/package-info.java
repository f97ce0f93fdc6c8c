/**
 * The workers' ahead-of-time cache ({@code concurrency.multi-jvm.aot-cache}). Internal.
 * It imports nothing of the master: {@code master.config} reads the setting and
 * {@code master.launch} ({@code WorkerAotCache}) applies it; the loop and
 * {@code master.workers} see only what a worker's process says of it. The store's phases
 * are here; its files, lock and helper JVMs are in {@code aotcache.files}.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import org.jspecify.annotations.NullMarked;
