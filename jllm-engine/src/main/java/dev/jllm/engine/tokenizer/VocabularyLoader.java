package dev.jllm.engine.tokenizer;

import static dev.jllm.engine.tokenizer.Vocabulary.NONE;

import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufValue;
import dev.jllm.engine.gguf.GgufValueType;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link Vocabulary} from GGUF metadata the way llama.cpp does (llama_vocab::impl::load): per-type default
 * special tokens and add-BOS/EOS settings, the ids and flags the file overrides, and the special tokens llama.cpp
 * recognises by their text (end of turn, fill-in-the-middle, end of generation).
 */
final class VocabularyLoader {
    static final String MODEL = "tokenizer.ggml.model";
    static final String PRE = "tokenizer.ggml.pre";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String MERGES = "tokenizer.ggml.merges";

    private static final Set<String> EOT_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final Set<String> FIM_PRE_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>",
            "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final Set<String> FIM_SUF_TEXTS = Set.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>",
            "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final Set<String> FIM_MID_TEXTS = Set.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>",
            "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final Set<String> FIM_PAD_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final Set<String> FIM_REP_TEXTS = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final Set<String> FIM_SEP_TEXTS = Set.of("<|file_sep|>");
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
            "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
            "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[");
    private static final Set<String> ALWAYS_RENDERED = Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    private VocabularyLoader() {}

    /** The vocabulary of {@code f}, and for BPE vocabularies the pre-tokenizer it names. */
    record Loaded(Vocabulary vocabulary, PreTokenizer preTokenizer) {}

    static Loaded load(GgufFile f) {
        String source = String.valueOf(f.path());
        if (!f.has(MODEL)) throw new TokenizerException(source + ": no tokenizer in this file (metadata '" + MODEL + "' is missing)");
        VocabType type = VocabType.ofGgufName(f.getString(MODEL), source);
        String preName = f.getString(PRE, "");

        // per-type defaults (llama.cpp treats the defaults as ids, disabled later when out of range)
        int bos, eos, unk, sep = NONE, pad = NONE, mask = NONE;
        boolean addBos, addEos = false, addSep = false, addSpacePrefix;
        PreTokenizer pre = null;
        switch (type) {
            case SPM -> {
                bos = 1; eos = 2; unk = 0;
                addBos = true; addSpacePrefix = true;
            }
            case WPM -> {
                bos = 101; eos = NONE; unk = 100; sep = 102; pad = 0; mask = 103;
                addBos = true; addSep = true; addSpacePrefix = false;
            }
            case BPE -> {
                if (!f.has(MERGES)) throw new TokenizerException(source + ": byte-level BPE vocabulary without '" + MERGES + "'");
                try {
                    pre = PreTokenizer.named(preName);
                } catch (TokenizerException e) {
                    throw new TokenizerException(source + ": " + e.getMessage());
                }
                bos = pre.hasNoBos() ? NONE : 11; eos = 11; unk = NONE;
                addBos = pre.addsBosByDefault(); addSpacePrefix = false;
            }
            default -> throw new IllegalStateException();
        }
        addSpacePrefix = f.getBoolean("tokenizer.ggml.add_space_prefix", addSpacePrefix);

        if (!f.has(TOKENS)) throw new TokenizerException(source + ": no token list (metadata '" + TOKENS + "' is missing)");
        String[] texts = f.getStringArray(TOKENS).clone();
        int n = texts.length;
        float[] scores = scores(f, n, source);
        int[] attrs = new int[n];
        int[] types = f.has(TOKEN_TYPE) ? f.getIntArray(TOKEN_TYPE) : null;
        if (types != null && types.length < n) {
            throw new TokenizerException(source + ": " + TOKEN_TYPE + " has " + types.length + " entries for " + n + " tokens");
        }
        Map<String, Integer> ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) texts[i] = "[EMPTY_" + i + "]";
            Integer previous = ids.putIfAbsent(texts[i], i);
            // invalid UTF-8 in token texts reads as U+FFFD, which can make distinct byte strings equal; those keep
            // the first id instead of failing the file (llama.cpp, reading bytes, sees no duplicate)
            if (previous != null && texts[i].indexOf('\uFFFD') < 0) {
                throw new TokenizerException(source + ": duplicate token in vocabulary: '" + texts[i] + "' has ids " + previous + " and " + i);
            }
            attrs[i] = types == null ? TokenAttributes.NORMAL : TokenAttributes.fromTokenType(types[i]);
        }

        // special token ids from the file; defaults outside the vocabulary are disabled
        bos = specialId(f, "tokenizer.ggml.bos_token_id", inRange(bos, n), n);
        eos = specialId(f, "tokenizer.ggml.eos_token_id", inRange(eos, n), n);
        int eot = specialId(f, "tokenizer.ggml.eot_token_id", NONE, n);
        int eom = specialId(f, "tokenizer.ggml.eom_token_id", NONE, n);
        unk = specialId(f, "tokenizer.ggml.unknown_token_id", inRange(unk, n), n);
        sep = specialId(f, "tokenizer.ggml.seperator_token_id", inRange(sep, n), n);
        pad = specialId(f, "tokenizer.ggml.padding_token_id", inRange(pad, n), n);
        mask = specialId(f, "tokenizer.ggml.mask_token_id", inRange(mask, n), n);
        int fimPre = specialId(f, "tokenizer.ggml.prefix_token_id", specialId(f, "tokenizer.ggml.fim_pre_token_id", NONE, n), n);
        int fimSuf = specialId(f, "tokenizer.ggml.suffix_token_id", specialId(f, "tokenizer.ggml.fim_suf_token_id", NONE, n), n);
        int fimMid = specialId(f, "tokenizer.ggml.middle_token_id", specialId(f, "tokenizer.ggml.fim_mid_token_id", NONE, n), n);
        int fimPad = specialId(f, "tokenizer.ggml.fim_pad_token_id", NONE, n);
        int fimRep = specialId(f, "tokenizer.ggml.fim_rep_token_id", NONE, n);
        int fimSep = specialId(f, "tokenizer.ggml.fim_sep_token_id", NONE, n);

        addBos = f.getBoolean("tokenizer.ggml.add_bos_token", addBos);
        addEos = f.getBoolean("tokenizer.ggml.add_eos_token", addEos);
        addSep = f.getBoolean("tokenizer.ggml.add_sep_token", addSep);
        requireToken(addBos, bos, "tokenizer.ggml.add_bos_token", "tokenizer.ggml.bos_token_id", source);
        requireToken(addEos, eos, "tokenizer.ggml.add_eos_token", "tokenizer.ggml.eos_token_id", source);
        requireToken(addSep, sep, "tokenizer.ggml.add_sep_token", "tokenizer.ggml.seperator_token_id", source);

        boolean lowercase = f.getBoolean("tokenizer.ggml.normalizer.lowercase", true);
        boolean stripAccents = f.getBoolean("tokenizer.ggml.normalizer.strip_accents", lowercase);

        // special tokens recognised by their text; llama.cpp marks them CONTROL. It walks an unordered map, so
        // when several texts qualify the one it picks is unspecified; this takes the lowest id.
        for (int i = 0; i < n; i++) {
            String t = texts[i];
            if (!mayBeRecognisedSpecial(t)) continue;
            if (eot == NONE && EOT_TEXTS.contains(t)) eot = markControl(attrs, i);
            if (eom == NONE && t.equals("<|eom_id|>")) eom = markControl(attrs, i);
            if (fimPre == NONE && FIM_PRE_TEXTS.contains(t)) fimPre = markControl(attrs, i);
            if (fimSuf == NONE && FIM_SUF_TEXTS.contains(t)) fimSuf = markControl(attrs, i);
            if (fimMid == NONE && FIM_MID_TEXTS.contains(t)) fimMid = markControl(attrs, i);
            if (fimPad == NONE && FIM_PAD_TEXTS.contains(t)) fimPad = markControl(attrs, i);
            if (fimRep == NONE && FIM_REP_TEXTS.contains(t)) fimRep = markControl(attrs, i);
            if (fimSep == NONE && FIM_SEP_TEXTS.contains(t)) fimSep = markControl(attrs, i);
        }
        // control tokens named "unused" are unused
        for (int i = 0; i < n; i++) {
            if ((attrs[i] & TokenAttributes.CONTROL) != 0 && texts[i].contains("unused")) attrs[i] |= TokenAttributes.UNUSED;
        }

        BitSet eog = new BitSet(n);
        for (int id : new int[] {fimPad, fimRep, fimSep}) if (id != NONE) eog.set(id);
        for (int i = 0; i < n; i++) {
            if (mayBeRecognisedSpecial(texts[i]) && EOG_TEXTS.contains(texts[i])) {
                eog.set(i);
                attrs[i] |= TokenAttributes.CONTROL;
            }
        }
        for (int i = 0; i < n; i++) {
            if (mayBeRecognisedSpecial(texts[i]) && ALWAYS_RENDERED.contains(texts[i])) attrs[i] = TokenAttributes.USER_DEFINED; // gpt-oss
        }
        for (int id : new int[] {eos, eot, eom}) if (id != NONE) eog.set(id);
        dropEndForHarmony(texts, attrs, eog);
        dropEndOfSentenceWithToolResponse(texts, attrs, eog);

        applyStripAttributes(f, texts, attrs, ids);

        Vocabulary vocabulary = new Vocabulary(type, texts, scores, attrs, ids,
                new Vocabulary.SpecialIds(bos, eos, eot, eom, unk, sep, pad, mask),
                new Vocabulary.Options(addBos, addEos, addSep, addSpacePrefix, lowercase, stripAccents), eog);
        return new Loaded(vocabulary, pre);
    }

    /** Every text llama.cpp recognises as special starts with one of these; a cheap filter before the set lookups. */
    private static boolean mayBeRecognisedSpecial(String text) {
        char c = text.charAt(0);
        return c == '<' || c == '[' || c == '_' || c == '\u2581';
    }

    private static float[] scores(GgufFile f, int n, String source) {
        float[] scores = new float[n];
        if (!f.has(SCORES)) return scores;
        GgufValue v = f.metadata().get(SCORES);
        if (v.type() != GgufValueType.ARRAY || (v.elementType() != GgufValueType.FLOAT32 && v.elementType() != GgufValueType.INT32)) {
            throw new TokenizerException(source + ": " + SCORES + " must be an array of FLOAT32 or INT32, is " + v.type()
                    + (v.elementType() != null ? " of " + v.elementType() : ""));
        }
        if (v.arrayLength() < n) throw new TokenizerException(source + ": " + SCORES + " has " + v.arrayLength() + " entries for " + n + " tokens");
        if (v.elementType() == GgufValueType.FLOAT32) {
            System.arraycopy(f.getFloatArray(SCORES), 0, scores, 0, n);
        } else {
            int[] is = f.getIntArray(SCORES);
            for (int i = 0; i < n; i++) scores[i] = is[i];
        }
        return scores;
    }

    private static int inRange(int id, int n) {
        return id >= 0 && id < n ? id : NONE;
    }

    /** The id a key holds; the fallback when it is absent or outside the vocabulary (llama.cpp warns and keeps the default). */
    private static int specialId(GgufFile f, String key, int fallback, int n) {
        if (!f.has(key)) return fallback;
        long id = f.getLong(key);
        return id >= 0 && id < n ? (int) id : fallback;
    }

    private static void requireToken(boolean add, int id, String addKey, String idKey, String source) {
        if (add && id == NONE) throw new TokenizerException(source + ": " + addKey + " is true, but " + idKey + " is not set");
    }

    private static int markControl(int[] attrs, int id) {
        attrs[id] |= TokenAttributes.CONTROL;
        return id;
    }

    /** o200k_harmony and solar-open: "<|end|>" does not end generation when "<|return|>"/"<|call|>" or "<|calls|>"/"<|flush|>" do. */
    private static void dropEndForHarmony(String[] texts, int[] attrs, BitSet eog) {
        boolean hasReturn = false, hasCall = false, hasFlush = false;
        int end = NONE;
        for (int id = eog.nextSetBit(0); id >= 0; id = eog.nextSetBit(id + 1)) {
            switch (texts[id]) {
                case "<|return|>" -> hasReturn = true;
                case "<|call|>", "<|calls|>" -> hasCall = true;
                case "<|flush|>" -> hasFlush = true;
                case "<|end|>" -> end = id;
                default -> { }
            }
        }
        if (end != NONE && hasCall && (hasReturn || hasFlush)) {
            eog.clear(end);
            attrs[end] = TokenAttributes.USER_DEFINED;
        }
    }

    /** gemma4 and paddleocr: "</s>" does not end generation when "<|tool_response>" does. */
    private static void dropEndOfSentenceWithToolResponse(String[] texts, int[] attrs, BitSet eog) {
        boolean hasToolResponse = false;
        int s = NONE;
        for (int id = eog.nextSetBit(0); id >= 0; id = eog.nextSetBit(id + 1)) {
            if (texts[id].equals("<|tool_response>")) hasToolResponse = true;
            else if (texts[id].equals("</s>")) s = id;
        }
        if (hasToolResponse && s != NONE) {
            eog.clear(s);
            attrs[s] = TokenAttributes.NORMAL;
        }
    }

    /** Per-model LSTRIP/RSTRIP attributes that llama.cpp sets by model, pre-tokenizer or architecture name. */
    private static void applyStripAttributes(GgufFile f, String[] texts, int[] attrs, Map<String, Integer> ids) {
        String name = f.getString("general.name", "").toLowerCase(Locale.ROOT);
        String pre = f.getString(PRE, "");
        String arch = f.getString("general.architecture", "");
        if (List.of("jina-v2-de", "jina-v2-es", "jina-v2-code").stream().anyMatch(pre::contains)
                || List.of("nomic-bert-moe", "jina-bert-v3").stream().anyMatch(arch::contains)) {
            Integer maskId = ids.get("<mask>");
            if (maskId != null) attrs[maskId] |= TokenAttributes.LSTRIP;
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int i = 0; i < texts.length; i++) {
                if ((attrs[i] & (TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED | TokenAttributes.UNKNOWN)) != 0) {
                    attrs[i] |= TokenAttributes.RSTRIP;
                }
            }
            setStrip(ids, attrs, "</s>", true);
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) setStrip(ids, attrs, t, false);
        } else if (name.contains("modern-bert")) {
            Integer maskId = ids.get("[MASK]");
            if (maskId != null) attrs[maskId] |= TokenAttributes.LSTRIP;
        }
    }

    private static void setStrip(Map<String, Integer> ids, int[] attrs, String text, boolean on) {
        Integer id = ids.get(text);
        if (id == null) return;
        if (on) attrs[id] |= TokenAttributes.RSTRIP;
        else attrs[id] &= ~TokenAttributes.RSTRIP;
    }
}
