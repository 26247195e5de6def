package dev.jllm.server.scheduler;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The identity of a full KV block for prefix caching: a digest of the block's tokens and of the hash of the block
 * before it, so equal hashes mean equal whole prefixes. 128 bits of SHA-256 make an accidental match (which would
 * hand a request another prefix's keys and values) practically impossible, unlike a 64-bit hash.
 */
public record BlockHash(long high, long low) {
    private static final BlockHash ROOT = new BlockHash(0, 0);

    /** The hash of the block holding {@code tokens[from, from + count)} after the block whose hash is {@code parent}. */
    static BlockHash of(BlockHash parent, int[] tokens, int from, int count) {
        ByteBuffer bytes = ByteBuffer.allocate(16 + 4 * count);
        BlockHash p = parent == null ? ROOT : parent;
        bytes.putLong(p.high).putLong(p.low);
        for (int i = from; i < from + count; i++) bytes.putInt(tokens[i]);
        byte[] d = sha256().digest(bytes.array());
        ByteBuffer digest = ByteBuffer.wrap(d);
        return new BlockHash(digest.getLong(), digest.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
