package dev.corral.client;

import java.util.List;
import org.apache.zookeeper.data.Stat;

/**
 * One page of a parent's children: names in ascending byte order, whether more follow ({@link #last()} names where
 * the next page starts), and the parent's Stat when the page was read.
 */
public record ChildrenPage(List<String> children, boolean more, Stat parentStat) {
    public ChildrenPage {
        children = List.copyOf(children);
    }

    /** The last name of this page: pass it as {@code after} for the next one; null for an empty page. */
    public String last() {
        return children.isEmpty() ? null : children.get(children.size() - 1);
    }
}
