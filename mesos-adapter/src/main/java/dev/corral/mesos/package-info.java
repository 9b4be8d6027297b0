/** HA Mesos framework scheduler kit on the ZooKeeper client API. */
package dev.corral.mesos;
