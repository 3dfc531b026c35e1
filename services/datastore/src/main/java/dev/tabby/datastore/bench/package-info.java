/** Benchmarks run by hand: {@link dev.tabby.datastore.bench.SyncerBench}. */
package dev.tabby.datastore.bench;
