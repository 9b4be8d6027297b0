/** ZAB (ZooKeeper Atomic Broadcast) as a pure, deterministic state machine: JDK only, driven from outside. */
package dev.corral.zab;
