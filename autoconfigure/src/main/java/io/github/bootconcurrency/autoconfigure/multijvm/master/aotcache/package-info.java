/**
 * The workers' ahead-of-time cache ({@code concurrency.multi-jvm.aot-cache}).
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache;

import org.jspecify.annotations.NullMarked;
