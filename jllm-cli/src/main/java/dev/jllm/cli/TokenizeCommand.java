package dev.jllm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import dev.jllm.cli.hub.ModelReference;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `jllm tokenize -m MODEL TEXT`: the tokens of a text, as llama.cpp's llama-tokenize prints them. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the tokens of TEXT as llama.cpp tokenizes it (works on vocabulary-only GGUF files).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "GGUF file (a vocab-only one works), or a Hugging Face reference OWNER/REPO[:QUANT|:FILE]")
    String model;

    @Option(names = "--no-bos", description = "Do not add BOS (or other special tokens) even if the model asks for it")
    boolean noBos;

    @Option(names = "--json", description = "Print {\"ids\":[...]} instead of one line per token")
    boolean json;

    @Option(names = "--parse-special", description = "Read special-token text such as <|eot_id|> as that token (default: plain text)")
    boolean parseSpecial;

    @Parameters(index = "0", paramLabel = "TEXT", description = "Text to tokenize")
    String text;

    @Override
    public Integer call() throws IOException {
        Tokenizer tokenizer;
        try (GgufFile f = GgufReader.open(ModelReference.resolve(model))) {
            tokenizer = Tokenizer.fromGguf(f);
        }
        // llama-tokenize: special tokens are added exactly when the model adds BOS, unless --no-bos
        int[] ids = tokenizer.encode(text, tokenizer.addBos() && !noBos, parseSpecial);
        PrintStream out = System.out; // a byte stream: pieces are written as their exact bytes
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(Map.of("ids", ids)));
        } else {
            for (int id : ids) {
                // the piece's exact bytes, as llama-tokenize writes them (a byte-fallback token may be half a character)
                out.write(String.format("%6d -> '", id).getBytes(StandardCharsets.UTF_8));
                out.write(tokenizer.tokenBytes(id));
                out.write("'\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        out.flush();
        return 0;
    }
}
