/**
 * The syncer: keeps a consumer's view of some etcd prefixes exact, through watch failures,
 * compactions, etcd restarts and silently dead streams. Entry point
 * {@link dev.tabby.datastore.syncer.Syncer}.
 */
package dev.tabby.datastore.syncer;
