/**
 * The file work of the workers' AOT cache: the key's private directory and its lock, the
 * application extracted into it, and the helper JVMs that extract it and create the
 * cache. Internal. It imports nothing of the master but {@code master.argfile}, not even
 * {@code master.aotcache}, whose store decides when each runs.
 */
@NullMarked
package io.github.bootconcurrency.autoconfigure.multijvm.master.aotcache.files;

import org.jspecify.annotations.NullMarked;
