/**
 * A real etcd (and etcdctl) run as a child process on free loopback ports, for tests, the
 * testbed and benchmarks. Shipped in the main jar so other modules can use it.
 */
package dev.tabby.datastore.local;
