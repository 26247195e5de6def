package dev.jllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The pre-tokenizers of byte-level BPE vocabularies, named by {@code tokenizer.ggml.pre}: the regex lists of
 * llama.cpp's llm_tokenizer_bpe, applied one after another, and the per-type settings llama.cpp attaches to
 * them (llama_vocab::impl::load). The words come out spelled in GPT-2 byte characters, ready for merging.
 */
final class PreTokenizer {
    private static final String QWEN2 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN35 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String PORO = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+";
    private static final String DEEPSEEK_LLM_LETTERS = "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+";
    private static final String DEEPSEEK3 = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+";
    private static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** A pre-tokenizer type: its regex list (llama.cpp's, verbatim) and the settings that come with it. */
    private record Type(List<String> regexes, boolean ignoreMerges, boolean addBos, boolean noBos) {
        static Type of(String... regexes) {
            return new Type(List.of(regexes), false, false, false);
        }

        Type llama3Settings() {
            return new Type(regexes, true, true, false);
        }

        Type withoutBos() {
            return new Type(regexes, ignoreMerges, addBos, true);
        }
    }

    private static final Type DEFAULT = Type.of("[\\p{P}\\$\\+<=>\\^~\\|]+", Gpt2Split.REGEX, "\\p{N}+", "[0-9][0-9][0-9]");
    private static final Type GPT2 = Type.of(Gpt2Split.REGEX);
    private static final Type LLAMA3 = Type.of(Llama3Split.REGEX_ADAPTED);
    private static final Type STARCODER = Type.of("\\p{N}", Gpt2Split.REGEX);
    private static final Type QWEN2_TYPE = Type.of(QWEN2);

    private static final Map<String, Type> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("default", DEFAULT);
        for (String n : List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano")) {
            TYPES.put(n, LLAMA3.llama3Settings());
        }
        TYPES.put("dbrx", LLAMA3);
        TYPES.put("smaug-bpe", LLAMA3);
        TYPES.put("chatglm-bpe", LLAMA3.withoutBos());
        TYPES.put("glm4", LLAMA3.withoutBos());
        TYPES.put("deepseek-llm", Type.of("[\r\n]", DEEPSEEK_LLM_LETTERS, "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "\\s+$", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", "\\p{N}+"));
        TYPES.put("deepseek-coder", Type.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", "\\p{N}"));
        TYPES.put("falcon", Type.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", Gpt2Split.REGEX, "[0-9][0-9][0-9]"));
        for (String n : List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2")) {
            TYPES.put(n, STARCODER);
        }
        for (String n : List.of("gpt-2", "mpt", "olmo", "jais", "trillion", "granite-docling", "phi-2", "jina-es", "jina-de",
                "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum", "modern-bert", "exaone4", "jina-v1-en",
                "jina-v2-code", "roberta-bpe")) {
            TYPES.put(n, GPT2);
        }
        for (String n : List.of("qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open")) {
            TYPES.put(n, QWEN2_TYPE);
        }
        TYPES.put("qwen35", Type.of(QWEN35));
        for (String n : List.of("deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4")) {
            TYPES.put(n, Type.of("\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+", DEEPSEEK3));
        }
        for (String n : List.of("poro-chat", "bloom", "gpt3-finnish")) TYPES.put(n, Type.of(PORO));
        TYPES.put("viking", Type.of(PORO, "\\p{N}"));
        TYPES.put("tekken", new Type(List.of(TEKKEN), true, true, false));
        for (String n : List.of("gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2")) TYPES.put(n, Type.of(GPT4O));
    }

    private final String name;
    private final Type type;
    private final List<SplitRule> rules;

    private PreTokenizer(String name, Type type) {
        this.name = name;
        this.type = type;
        List<SplitRule> r = new ArrayList<>();
        for (String regex : type.regexes) {
            if (regex.equals(Gpt2Split.REGEX)) r.add(new Gpt2Split());
            else if (regex.equals(Llama3Split.REGEX) || regex.equals(Llama3Split.REGEX_ADAPTED)) r.add(new Llama3Split());
            else r.add(new RegexSplit(regex));
        }
        this.rules = List.copyOf(r);
    }

    /** The pre-tokenizer {@code tokenizer.ggml.pre} names; an absent or empty name means "default", as in llama.cpp. */
    static PreTokenizer named(String pre) {
        String key = pre == null || pre.isEmpty() ? "default" : pre;
        Type type = TYPES.get(key);
        if (type == null) {
            throw new TokenizerException("unsupported BPE pre-tokenizer tokenizer.ggml.pre='" + pre + "'; supported: "
                    + String.join(", ", new TreeSet<>(TYPES.keySet())));
        }
        return new PreTokenizer(key, type);
    }

    static List<String> supportedNames() {
        return List.copyOf(new TreeSet<>(TYPES.keySet()));
    }

    String name() {
        return name;
    }

    /** Whether a word that is itself a token skips merging (llama.cpp's ignore_merges). */
    boolean ignoreMerges() {
        return type.ignoreMerges;
    }

    /** Whether this type turns BOS on when the file says nothing (add_bos_token absent). */
    boolean addsBosByDefault() {
        return type.addBos;
    }

    /** Whether this type has no BOS token by default (chatglm). */
    boolean hasNoBos() {
        return type.noBos;
    }

    /** The words of {@code text}, each spelled in GPT-2 byte characters. */
    List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        IntList chunks = new IntList();
        if (cps.length > 0) chunks.add(cps.length);
        for (SplitRule rule : rules) chunks = rule.split(cps, chunks);
        List<String> words = new ArrayList<>(chunks.size());
        StringBuilder word = new StringBuilder();
        int start = 0;
        for (int c = 0; c < chunks.size(); c++) {
            int end = start + chunks.get(c);
            byte[] utf8 = new String(cps, start, end - start).getBytes(StandardCharsets.UTF_8);
            word.setLength(0);
            ByteLevelEncoding.encode(utf8, 0, utf8.length, word);
            words.add(word.toString());
            start = end;
        }
        return words;
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(rules.toArray());
    }
}
