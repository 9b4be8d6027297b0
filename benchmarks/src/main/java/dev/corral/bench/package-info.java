/** JMH benchmarks and the end-to-end comparison with Apache ZooKeeper. */
package dev.corral.bench;
