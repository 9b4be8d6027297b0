package dev.corral.zab;

/**
 * A fast-leader-election vote: the candidate and the history it claims ({@code epoch} is the candidate's currentEpoch,
 * {@code zxid} its last logged zxid). Votes order by (epoch, zxid, leader).
 */
public record Vote(int leader, Zxid zxid, long epoch) {
    /** True if this vote is for a better candidate than {@code other}. */
    public boolean beats(Vote other) {
        if (epoch != other.epoch) {
            return epoch > other.epoch;
        }
        int c = zxid.compareTo(other.zxid);
        if (c != 0) {
            return c > 0;
        }
        return leader > other.leader;
    }
}
