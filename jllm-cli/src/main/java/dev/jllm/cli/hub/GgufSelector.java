package dev.jllm.cli.hub;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Picks the GGUF file a {@link ModelReference} means among a repository's files: the named file; or the one whose
 * name holds the quantization (Q4_K_M, q8_0, ...); or, given neither, Q4_K_M, then Q4_0, then Q8_0, else the only
 * GGUF. Multimodal projector files (mmproj) take part only when the reference names them.
 */
final class GgufSelector {
    static final List<String> DEFAULT_QUANTS = List.of("Q4_K_M", "Q4_0", "Q8_0");
    private static final Pattern SPLIT_PART = Pattern.compile("-\\d{5}-of-(\\d{5})\\.gguf$", Pattern.CASE_INSENSITIVE);

    private GgufSelector() {}

    static HubFile select(ModelReference ref, List<HubFile> files) {
        if (ref.file() != null) {
            return files.stream().filter(f -> f.path().equals(ref.file())).findFirst().orElseThrow(() -> new HubException(
                    ref.repo() + " has no file '" + ref.file() + "'" + available(ggufs(files, true))));
        }
        boolean wantProjector = ref.quant() != null && ref.quant().toLowerCase(Locale.ROOT).contains("mmproj");
        List<HubFile> candidates = ggufs(files, wantProjector);
        if (candidates.isEmpty()) throw new HubException(ref.repo() + " has no GGUF files" + available(files));
        if (ref.quant() != null) {
            return single(ref, ref.quant(), matching(candidates, ref.quant()), candidates);
        }
        for (String quant : DEFAULT_QUANTS) {
            List<HubFile> match = matching(candidates, quant);
            if (!match.isEmpty()) return single(ref, quant, match, candidates);
        }
        if (candidates.size() == 1) return candidates.getFirst();
        throw new HubException(ref.repo() + " has several GGUF files and none is " + String.join(", ", DEFAULT_QUANTS)
                + "; name one, as " + ref.repo() + ":QUANT or " + ref.repo() + ":FILE" + available(candidates));
    }

    private static List<HubFile> ggufs(List<HubFile> files, boolean withProjectors) {
        return files.stream().filter(f -> f.path().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                .filter(f -> withProjectors || !f.name().toLowerCase(Locale.ROOT).contains("mmproj")).toList();
    }

    /** Files whose name holds {@code quant} as a whole word: Q4_K matches "x.Q4_K.gguf", not "x-Q4_K_M.gguf". */
    static List<HubFile> matching(List<HubFile> files, String quant) {
        Pattern p = Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(quant) + "(?![A-Za-z0-9_])", Pattern.CASE_INSENSITIVE);
        return files.stream().filter(f -> p.matcher(f.name()).find()).toList();
    }

    private static HubFile single(ModelReference ref, String quant, List<HubFile> match, List<HubFile> candidates) {
        if (match.size() == 1) {
            if (SPLIT_PART.matcher(match.getFirst().name()).find()) throw splitFile(ref, match);
            return match.getFirst();
        }
        if (match.isEmpty()) throw new HubException(ref.repo() + " has no GGUF file for " + quant + available(candidates));
        if (match.stream().allMatch(f -> SPLIT_PART.matcher(f.name()).find())) throw splitFile(ref, match);
        throw new HubException(ref.repo() + " has several GGUF files for " + quant + "; name one as " + ref.repo()
                + ":FILE" + available(match));
    }

    private static HubException splitFile(ModelReference ref, List<HubFile> parts) {
        return new HubException(ref.repo() + ": " + parts.getFirst().path() + " is one part of a split GGUF model ("
                + parts.size() + " parts here), which jllm cannot load yet; merge the parts with llama-gguf-split --merge"
                + " or choose a quantization that comes as one file");
    }

    private static String available(List<HubFile> files) {
        if (files.isEmpty()) return "";
        return files.stream().map(HubFile::path).sorted().collect(Collectors.joining("\n  ", "; available:\n  ", ""));
    }
}
