/**
 * What the four-letter words (net), the AdminServer (admin) and /metrics report, computed once for all three from a
 * {@link dev.corral.server.pipeline.ServerStats} snapshot: the version string, mntr's fields, the environment, the
 * data directories' sizes. No Netty here, so both the client port and the HTTP endpoints use it.
 */
package dev.corral.server.monitor;
