package dev.corral.client.proto;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.Index;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Stat;

/**
 * The reply to {@link GetChildrenPageRequest}: a page of child names in ascending byte order, whether more follow,
 * and the parent's Stat when the page was read (its cversion tells a caller whether children changed between pages).
 */
public final class GetChildrenPageResponse implements Record {
    private List<String> children = new ArrayList<>();
    private boolean more;
    private Stat stat = new Stat();

    public GetChildrenPageResponse() {
    }

    public GetChildrenPageResponse(List<String> children, boolean more, Stat stat) {
        this.children = children;
        this.more = more;
        this.stat = stat;
    }

    public List<String> getChildren() {
        return children;
    }

    public boolean getMore() {
        return more;
    }

    public Stat getStat() {
        return stat;
    }

    @Override
    public void serialize(OutputArchive a, String tag) throws IOException {
        a.startRecord(this, tag);
        a.startVector(children, "children");
        if (children != null) {
            for (String c : children) {
                a.writeString(c, "e1");
            }
        }
        a.endVector(children, "children");
        a.writeBool(more, "more");
        a.writeRecord(stat, "stat");
        a.endRecord(this, tag);
    }

    @Override
    public void deserialize(InputArchive a, String tag) throws IOException {
        a.startRecord(tag);
        Index index = a.startVector("children");
        children = new ArrayList<>();
        if (index != null) {
            for (; !index.done(); index.incr()) {
                children.add(a.readString("e1"));
            }
        }
        a.endVector("children");
        more = a.readBool("more");
        stat = new Stat();
        a.readRecord(stat, "stat");
        a.endRecord(tag);
    }

    @Override
    public String toString() {
        return "GetChildrenPageResponse(" + children.size() + " children, more=" + more + ")";
    }
}
