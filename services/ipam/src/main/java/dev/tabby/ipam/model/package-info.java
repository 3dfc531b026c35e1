/**
 * IPAM's stored records as libcalico-go's {@code model} package defines them ({@code AllocationBlock},
 * {@code IPAMHandle}, {@code BlockAffinity}, {@code IPAMConfig}), their etcd keys, their JSON, and block arithmetic.
 * Pure: no I/O.
 */
package dev.tabby.ipam.model;
