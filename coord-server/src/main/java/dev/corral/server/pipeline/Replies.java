package dev.corral.server.pipeline;

import dev.corral.server.watch.Notification;
import dev.corral.server.wire.EventType;
import dev.corral.server.wire.Jute;
import dev.corral.server.wire.Xid;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/** Builds reply and notification frames. */
public final class Replies {
    private Replies() {
    }

    public static byte[] ok(int xid, long zxid, Record body) {
        return Jute.replyFrame(new ReplyHeader(xid, zxid, 0), body);
    }

    public static byte[] error(int xid, long zxid, int err) {
        return Jute.replyFrame(new ReplyHeader(xid, zxid, err), null);
    }

    static byte[] notification(Notification n) {
        return Jute.replyFrame(new ReplyHeader(Xid.NOTIFICATION, n.zxid(), 0),
                new WatcherEvent(n.eventType(), EventType.STATE_SYNC_CONNECTED, n.path()));
    }
}
