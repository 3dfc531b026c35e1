/**
 * The raw etcd layer: keys and byte values, no Calico model.
 *
 * <ul>
 *   <li>{@link dev.tabby.datastore.EtcdConfig} - where etcd is and how to authenticate, from
 *       TABBY_ETCD_* variables; {@link dev.tabby.datastore.EtcdClients} builds the jetcd client.</li>
 *   <li>{@link dev.tabby.datastore.KeyValueStore} - get/list and compare-and-swap writes, every
 *       call bounded by the configured timeout.</li>
 *   <li>{@link dev.tabby.datastore.DatastoreException} and its subclasses - the only failures
 *       callers see, one-line messages naming the key or setting and the remedy.</li>
 *   <li>{@code syncer} - mirrors key prefixes to a consumer (list, in-sync, watch, resync).</li>
 *   <li>{@code local} - a child-process etcd for tests, the testbed and benchmarks.</li>
 * </ul>
 */
package dev.tabby.datastore;
