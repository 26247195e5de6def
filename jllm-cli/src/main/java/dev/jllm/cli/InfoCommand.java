package dev.jllm.cli;

import dev.jllm.cli.hub.ModelReference;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.gguf.GgufValue;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jllm info MODEL.gguf`: metadata and a tensor table. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a GGUF file's metadata and tensor table.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, or owner/repo[:QUANT|:FILE] on Hugging Face")
    String model;

    @Option(names = "--max-array", description = "Array elements to show (default ${DEFAULT-VALUE})")
    int maxArray = 8;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (GgufFile f = GgufReader.open(ModelReference.resolve(model))) {
            out.printf("file: %s%nGGUF version: %d, alignment: %d, %d metadata keys, %d tensors%n%n", f.path(),
                    f.version(), f.alignment(), f.metadata().size(), f.tensors().size());
            for (Map.Entry<String, GgufValue> e : f.metadata().entrySet()) {
                GgufValue v = e.getValue();
                String type = v.elementType() != null ? "ARRAY[" + v.elementType() + "]" : v.type().name();
                out.printf("%-45s %-16s %s%n", e.getKey(), type, v.display(maxArray));
            }
            out.printf("%n%-40s %-6s %-24s %12s%n", "tensor", "type", "shape", "bytes");
            long total = 0;
            for (GgufTensor t : f.tensors().values()) {
                out.printf("%-40s %-6s %-24s %12d%n", t.name(), t.type(), t.shapeString(), t.byteSize());
                total += t.byteSize();
            }
            out.printf("%ntotal tensor bytes: %d%n", total);
        }
        return 0;
    }
}
