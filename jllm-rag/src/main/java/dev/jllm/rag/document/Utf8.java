package dev.jllm.rag.document;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding: malformed bytes are an error that says where, never a silent replacement character. */
public final class Utf8 {
    private Utf8() {}

    public static String decode(String name, byte[] bytes) throws DocumentException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new DocumentException(name, String.format("invalid UTF-8 at byte %d (0x%02x); save it as UTF-8",
                    in.position(), bytes[in.position()] & 0xff));
        }
        result = decoder.flush(out);
        if (result.isError()) throw new DocumentException(name, "invalid UTF-8 at its end");
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
