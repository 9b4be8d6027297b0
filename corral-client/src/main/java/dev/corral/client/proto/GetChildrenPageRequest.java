package dev.corral.client.proto;

import java.io.IOException;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;

/**
 * Corral's paged getChildren request (opcode {@link #OPCODE}), in Jute as ZooKeeper's own records are: the names of
 * {@code path}'s children that sort after {@code after} (byte order of their UTF-8 names; "" for the first page), at
 * most {@code maxCount} of them.
 */
public final class GetChildrenPageRequest implements Record {
    /** The opcode: far from ZooKeeper's own (up to 107) and from ClickHouse Keeper's extensions (500-502). */
    public static final int OPCODE = 1001;

    private String path;
    private String after;
    private int maxCount;

    public GetChildrenPageRequest() {
    }

    public GetChildrenPageRequest(String path, String after, int maxCount) {
        this.path = path;
        this.after = after;
        this.maxCount = maxCount;
    }

    public String getPath() {
        return path;
    }

    public String getAfter() {
        return after;
    }

    public int getMaxCount() {
        return maxCount;
    }

    @Override
    public void serialize(OutputArchive a, String tag) throws IOException {
        a.startRecord(this, tag);
        a.writeString(path, "path");
        a.writeString(after, "after");
        a.writeInt(maxCount, "maxCount");
        a.endRecord(this, tag);
    }

    @Override
    public void deserialize(InputArchive a, String tag) throws IOException {
        a.startRecord(tag);
        path = a.readString("path");
        after = a.readString("after");
        maxCount = a.readInt("maxCount");
        a.endRecord(tag);
    }

    @Override
    public String toString() {
        return "GetChildrenPageRequest(" + path + ", after '" + after + "', max " + maxCount + ")";
    }
}
