package dev.corral.zab;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact binary form of {@link Message}s for the quorum transport: one tag byte, then the fields big-endian. Framing
 * (length prefix) and the snapshot body that follows a SNAP are the transport's business.
 */
public final class MessageCodec {
    private static final int NOTIFICATION = 1;
    private static final int FOLLOWER_INFO = 2;
    private static final int NEW_EPOCH = 3;
    private static final int ACK_EPOCH = 4;
    private static final int DIFF = 5;
    private static final int TRUNC = 6;
    private static final int SNAP = 7;
    private static final int PROPOSAL = 8;
    private static final int NEW_LEADER = 9;
    private static final int ACK = 10;
    private static final int UP_TO_DATE = 11;
    private static final int COMMIT = 12;
    private static final int PING = 13;
    private static final int INFORM = 14;
    private static final int SYNCED = 15;
    private static final int TAKE_OVER = 20;
    private static final int LEADERSHIP_REQUEST = 21;
    private static final int READ_ROUND = 30;
    private static final int READ_ROUND_ACK = 31;
    private static final int READ_INDEX_REQUEST = 32;
    private static final int READ_INDEX_REPLY = 33;

    /** Largest payload accepted when decoding, so a corrupt length cannot make us allocate gigabytes. */
    public static final int MAX_PAYLOAD = 64 << 20;

    private MessageCodec() {}

    public static byte[] toBytes(Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint(m));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(m, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen in memory
        }
        return bytes.toByteArray();
    }

    /** About the encoded size, so that a proposal batch is written without regrowing its buffer. */
    private static int sizeHint(Message m) {
        List<Txn> txns = m instanceof Message.Proposal p ? p.txns() : m instanceof Message.Inform i ? i.txns() : null;
        if (txns != null) {
            long n = 32;
            for (Txn t : txns) {
                n += 20 + t.payload().length;
            }
            return (int) Math.min(n, Integer.MAX_VALUE - 16);
        }
        return 64;
    }

    public static Message fromBytes(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        Message m = read(in);
        if (in.available() > 0) {
            throw new IOException("trailing bytes after " + m.getClass().getSimpleName());
        }
        return m;
    }

    public static void write(Message m, DataOutput out) throws IOException {
        if (m instanceof Message.Notification n) {
            out.writeByte(NOTIFICATION);
            out.writeLong(n.round());
            out.writeInt(n.vote().leader());
            writeZxid(n.vote().zxid(), out);
            out.writeLong(n.vote().epoch());
            out.writeByte(n.state().ordinal());
            out.writeBoolean(n.config() != null);
            if (n.config() != null) {
                out.writeLong(n.configCounter());
                writeIds(n.config().voters(), out);
                writeIds(n.config().members(), out);
            }
        } else if (m instanceof Message.FollowerInfo f) {
            out.writeByte(FOLLOWER_INFO);
            out.writeLong(f.acceptedEpoch());
        } else if (m instanceof Message.NewEpoch e) {
            out.writeByte(NEW_EPOCH);
            out.writeLong(e.epoch());
        } else if (m instanceof Message.AckEpoch a) {
            out.writeByte(ACK_EPOCH);
            out.writeLong(a.epoch());
            out.writeLong(a.currentEpoch());
            writeZxid(a.lastZxid(), out);
            out.writeInt(a.epochStarts().size());
            for (Zxid z : a.epochStarts()) {
                writeZxid(z, out);
            }
            out.writeBoolean(a.fresh());
            out.writeBoolean(a.needsSnapshot());
        } else if (m instanceof Message.Diff d) {
            epochAndZxid(DIFF, d.epoch(), d.from(), out);
        } else if (m instanceof Message.Trunc t) {
            epochAndZxid(TRUNC, t.epoch(), t.to(), out);
        } else if (m instanceof Message.Snap s) {
            epochAndZxid(SNAP, s.epoch(), s.at(), out);
            out.writeBoolean(s.config() != null);
            if (s.config() != null) {
                writeIds(s.config().voters(), out);
                writeIds(s.config().members(), out);
            }
        } else if (m instanceof Message.Proposal p) {
            out.writeByte(PROPOSAL);
            out.writeLong(p.epoch());
            writeTxns(p.txns(), out);
        } else if (m instanceof Message.Inform i) {
            out.writeByte(INFORM);
            out.writeLong(i.epoch());
            writeTxns(i.txns(), out);
            writeZxid(i.committed(), out);
        } else if (m instanceof Message.NewLeader n) {
            epochAndZxid(NEW_LEADER, n.epoch(), n.lastZxid(), out);
        } else if (m instanceof Message.Ack a) {
            epochAndZxid(ACK, a.epoch(), a.zxid(), out);
        } else if (m instanceof Message.UpToDate u) {
            epochAndZxid(UP_TO_DATE, u.epoch(), u.committed(), out);
        } else if (m instanceof Message.Commit c) {
            epochAndZxid(COMMIT, c.epoch(), c.zxid(), out);
        } else if (m instanceof Message.Synced s) {
            epochAndZxid(SYNCED, s.epoch(), s.zxid(), out);
        } else if (m instanceof Message.Ping p) {
            out.writeByte(PING);
            out.writeLong(p.epoch());
            writeZxid(p.lastZxid(), out);
            writeZxid(p.committed(), out);
        } else if (m instanceof Message.TakeOver t) {
            out.writeByte(TAKE_OVER);
            out.writeLong(t.epoch());
            out.writeInt(t.target());
            writeZxid(t.lastZxid(), out);
        } else if (m instanceof Message.LeadershipRequest r) {
            out.writeByte(LEADERSHIP_REQUEST);
            out.writeLong(r.epoch());
        } else if (m instanceof Message.ReadRound r) {
            twoLongs(READ_ROUND, r.epoch(), r.round(), out);
        } else if (m instanceof Message.ReadRoundAck r) {
            twoLongs(READ_ROUND_ACK, r.epoch(), r.round(), out);
        } else if (m instanceof Message.ReadIndexRequest r) {
            twoLongs(READ_INDEX_REQUEST, r.epoch(), r.batch(), out);
        } else if (m instanceof Message.ReadIndexReply r) {
            twoLongs(READ_INDEX_REPLY, r.epoch(), r.batch(), out);
            writeZxid(r.index(), out);
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
    }

    public static Message read(DataInput in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NOTIFICATION: {
                long round = in.readLong();
                int leader = in.readInt();
                Zxid z = readZxid(in);
                long epoch = in.readLong();
                int state = in.readUnsignedByte();
                if (state > Role.LEADING.ordinal()) { // OBSERVING is reported locally, never sent
                    throw new IOException("bad state " + state);
                }
                Vote vote = new Vote(leader, z, epoch);
                if (!in.readBoolean()) {
                    return new Message.Notification(round, vote, Role.values()[state]);
                }
                long counter = in.readLong();
                if (counter < 0) {
                    throw new IOException("negative config counter " + counter);
                }
                return new Message.Notification(round, vote, Role.values()[state], readConfig(in), counter);
            }
            case FOLLOWER_INFO:
                return new Message.FollowerInfo(in.readLong());
            case NEW_EPOCH:
                return new Message.NewEpoch(in.readLong());
            case ACK_EPOCH: {
                long epoch = in.readLong();
                long current = in.readLong();
                Zxid last = readZxid(in);
                int n = count(in, 1 << 20);
                List<Zxid> starts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    starts.add(readZxid(in));
                }
                boolean fresh = in.readBoolean();
                return new Message.AckEpoch(epoch, current, last, List.copyOf(starts), fresh, in.readBoolean());
            }
            case DIFF:
                return new Message.Diff(in.readLong(), readZxid(in));
            case TRUNC:
                return new Message.Trunc(in.readLong(), readZxid(in));
            case SNAP: {
                long epoch = in.readLong();
                Zxid at = readZxid(in);
                return new Message.Snap(epoch, at, in.readBoolean() ? readConfig(in) : null);
            }
            case PROPOSAL: {
                long epoch = in.readLong();
                return new Message.Proposal(epoch, readTxns(in));
            }
            case INFORM: {
                long epoch = in.readLong();
                List<Txn> txns = readTxns(in);
                return new Message.Inform(epoch, txns, readZxid(in));
            }
            case NEW_LEADER:
                return new Message.NewLeader(in.readLong(), readZxid(in));
            case ACK:
                return new Message.Ack(in.readLong(), readZxid(in));
            case UP_TO_DATE:
                return new Message.UpToDate(in.readLong(), readZxid(in));
            case COMMIT:
                return new Message.Commit(in.readLong(), readZxid(in));
            case SYNCED:
                return new Message.Synced(in.readLong(), readZxid(in));
            case PING:
                return new Message.Ping(in.readLong(), readZxid(in), readZxid(in));
            case TAKE_OVER:
                return new Message.TakeOver(in.readLong(), in.readInt(), readZxid(in));
            case LEADERSHIP_REQUEST:
                return new Message.LeadershipRequest(in.readLong());
            case READ_ROUND:
                return new Message.ReadRound(in.readLong(), in.readLong());
            case READ_ROUND_ACK:
                return new Message.ReadRoundAck(in.readLong(), in.readLong());
            case READ_INDEX_REQUEST:
                return new Message.ReadIndexRequest(in.readLong(), in.readLong());
            case READ_INDEX_REPLY:
                return new Message.ReadIndexReply(in.readLong(), in.readLong(), readZxid(in));
            default:
                throw new IOException("unknown message tag " + tag);
        }
    }

    private static void writeTxns(List<Txn> txns, DataOutput out) throws IOException {
        out.writeInt(txns.size());
        for (Txn t : txns) {
            writeZxid(t.zxid(), out);
            out.writeInt(t.payload().length);
            out.write(t.payload());
        }
    }

    private static List<Txn> readTxns(DataInput in) throws IOException {
        int n = count(in, 1 << 24);
        List<Txn> txns = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            Zxid z = readZxid(in);
            byte[] payload = new byte[count(in, MAX_PAYLOAD)];
            in.readFully(payload);
            txns.add(new Txn(z, payload));
        }
        return txns;
    }

    private static void writeIds(java.util.Set<Integer> ids, DataOutput out) throws IOException {
        out.writeInt(ids.size());
        for (int id : ids) {
            out.writeInt(id);
        }
    }

    private static java.util.Set<Integer> readIds(DataInput in) throws IOException {
        int n = count(in, 1 << 16);
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(in.readInt());
        }
        return ids;
    }

    private static QuorumVerifier readConfig(DataInput in) throws IOException {
        java.util.Set<Integer> voters = readIds(in);
        java.util.Set<Integer> members = readIds(in);
        if (voters.isEmpty() || !members.containsAll(voters)) {
            throw new IOException("bad config: voters " + voters + ", members " + members);
        }
        return new MajorityQuorum(voters, members);
    }

    private static void epochAndZxid(int tag, long epoch, Zxid z, DataOutput out) throws IOException {
        out.writeByte(tag);
        out.writeLong(epoch);
        writeZxid(z, out);
    }

    private static void twoLongs(int tag, long a, long b, DataOutput out) throws IOException {
        out.writeByte(tag);
        out.writeLong(a);
        out.writeLong(b);
    }

    private static void writeZxid(Zxid z, DataOutput out) throws IOException {
        out.writeLong(z.epoch());
        out.writeLong(z.counter());
    }

    private static Zxid readZxid(DataInput in) throws IOException {
        long epoch = in.readLong();
        long counter = in.readLong();
        if (epoch < 0 || counter < 0) {
            throw new IOException("negative zxid " + epoch + ":" + counter);
        }
        return new Zxid(epoch, counter);
    }

    private static int count(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("bad length " + n);
        }
        return n;
    }
}
