package dev.jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jllm.engine.gguf.GgufFile;
import dev.jllm.engine.gguf.GgufReader;
import dev.jllm.engine.gguf.GgufTensor;
import dev.jllm.engine.runtime.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class BenchCommandTest {
    /** Small figures: these tests check what bench reports, not the machine. */
    private static final String[] QUICK = {"-r", "2", "--bandwidth-mib", "64"};
    private static final Pattern DECODE_MATRIX =
            Pattern.compile("blk\\.\\d+\\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down)\\.weight");

    private static CommandRun bench(String... args) {
        String[] all = Stream.of(new String[] {"bench", "-m", Stories260K.model().toString()}, QUICK, args)
                .flatMap(Stream::of).toArray(String[]::new);
        CommandRun run = CommandRun.of(all);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    private static List<JsonNode> jsonLines(String out) {
        return out.lines().map(Stories260K::parse).toList();
    }

    /** The decode step's weight bytes, from the GGUF tensor table: layer projections and the output head. */
    private static long decodeBytesFromTheFile(Path model) {
        try (GgufFile f = GgufReader.open(model)) {
            Map<String, GgufTensor> tensors = f.tensors();
            long layers = tensors.values().stream().filter(t -> DECODE_MATRIX.matcher(t.name()).matches())
                    .mapToLong(GgufTensor::byteSize).sum();
            GgufTensor head = tensors.getOrDefault("output.weight", tensors.get("token_embd.weight"));
            return layers + head.byteSize();
        }
    }

    @Test
    void jsonIsOneObjectWithSaneFigures() {
        CommandRun run = bench("-p", "16", "-n", "8", "--json");
        assertThat(run.out()).as("one JSON line").endsWith("}\n").hasLineCount(1);
        JsonNode r = Stories260K.parse(run.out());
        assertThat(r.properties()).extracting(Map.Entry::getKey).contains("prefill_tps", "decode_tps", "bandwidth_gbps",
                "roofline_share", "model", "type", "threads", "n_parallel", "n_prompt", "n_gen", "n_depth", "bytes_per_token", "simd");
        assertThat(r.get("model").asText()).isEqualTo("stories260K.gguf");
        assertThat(r.get("type").asText()).isEqualTo("F32");
        assertThat(r.get("threads").asInt()).isEqualTo(Parallel.threads());
        assertThat(r.get("n_parallel").asInt()).isEqualTo(1);
        assertThat(r.get("n_prompt").asInt()).isEqualTo(16);
        assertThat(r.get("n_gen").asInt()).isEqualTo(8);
        assertThat(r.get("repetitions").asInt()).isEqualTo(2);
        assertThat(r.get("bytes_per_token").asLong()).isEqualTo(decodeBytesFromTheFile(Stories260K.model()));
        double decode = r.get("decode_tps").asDouble();
        double bandwidth = r.get("bandwidth_gbps").asDouble();
        assertThat(r.get("prefill_tps").asDouble()).isPositive().isFinite();
        assertThat(decode).isPositive().isFinite();
        // any machine that runs these tests reads memory between 0.1 GB/s and 10 TB/s
        assertThat(bandwidth).isBetween(0.1, 10_000.0);
        double share = r.get("roofline_share").asDouble();
        assertThat(share).isEqualTo(decode * r.get("bytes_per_token").asLong() / (bandwidth * 1e9));
        // a 1 MB model stays in the caches and could beat the DRAM roofline a little, never by this much
        assertThat(share).isPositive().isLessThanOrEqualTo(10);
        JsonNode simd = r.get("simd");
        assertThat(simd.get("species_bits").asInt()).isEqualTo(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertThat(simd.get("problems").isArray()).isTrue();
        // progress goes to stderr, line by line
        assertThat(run.err()).contains("bench: memory bandwidth: ", "bench: " + Parallel.threads() + " thread",
                "pp16 tg8: run 2/2: prefill ").doesNotContain("\tat ");
    }

    @Test
    void aDepthStartsEveryTestAfterThatManyTokens() {
        CommandRun run = bench("-p", "8", "-n", "4", "-d", "32", "--json");
        JsonNode r = Stories260K.parse(run.out());
        assertThat(r.get("n_depth").asInt()).isEqualTo(32);
        assertThat(r.get("decode_tps").asDouble()).isPositive();
        assertThat(run.err()).contains("pp8 tg4 @ d32: run 2/2");
    }

    @Test
    void severalSequencesRunTogetherAndTheGainOverOneIsPrinted() {
        CommandRun json = bench("-np", "1,3", "-p", "8", "-n", "4", "--json");
        List<JsonNode> results = jsonLines(json.out());
        assertThat(results).extracting(r -> r.get("n_parallel").asInt()).containsExactly(1, 3);
        JsonNode three = results.get(1);
        // a step of three sequences reads the weights once for all three
        assertThat(three.get("roofline_share").asDouble()).isEqualTo(three.get("decode_tps").asDouble() / 3
                * three.get("bytes_per_token").asLong() / (three.get("bandwidth_gbps").asDouble() * 1e9));
        String threads = "bench: " + Parallel.threads() + (Parallel.threads() == 1 ? " thread" : " threads");
        assertThat(json.err()).contains(threads + ", pp8 tg4: run 2/2", threads + ", 3 sequences, pp8 tg4: run 2/2");

        CommandRun table = bench("-np", "1,3", "-p", "8", "-n", "4");
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).contains("| n_parallel |");
        assertThat(lines.get(3)).matches(".*\\|\\s+3 \\|\\s+8 \\|\\s+4 \\|.*");
        var gain = Pattern.compile("decode, 3 sequences at once \\(\\d+ threads?, tg4\\): ([\\d.]+) tok/s in all, ([\\d.]+)x one sequence's ([\\d.]+) tok/s")
                .matcher(lines.get(4));
        assertThat(gain.matches()).as(lines.get(4)).isTrue();
        double all = Double.parseDouble(gain.group(1)), ratio = Double.parseDouble(gain.group(2)), one = Double.parseDouble(gain.group(3));
        assertThat(ratio).isCloseTo(all / one, org.assertj.core.data.Offset.offset(0.01));
        assertThat(lines.get(5)).startsWith("SIMD: ");
    }

    @Test
    void theDefaultOutputIsATable() {
        CommandRun run = bench("-p", "8", "-n", "4");
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("| model ").contains("| prefill t/s |", "| decode t/s |", "| roofline |");
        assertThat(lines.get(1)).matches("\\|[-: |]+\\|");
        assertThat(lines.get(2)).startsWith("| stories260K.gguf | F32  |").matches(".*\\|\\s+8 \\|\\s+4 \\|.*\\d+% \\|");
        assertThat(lines.get(3)).startsWith("SIMD: ");
    }

    @Test
    void aSweepRunsEveryCombinationAndDrawsThem(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("bench.html");
        // one thread count is not this JVM's pool size, so it runs in a child JVM
        CommandRun run = bench("-t", "1,2", "-p", "8,16", "-n", "4", "--chart", chart.toString(), "--json");
        List<JsonNode> results = jsonLines(run.out());
        assertThat(results).extracting(r -> r.get("threads").asInt() + "/" + r.get("n_prompt").asInt())
                .containsExactly("1/8", "1/16", "2/8", "2/16");
        for (JsonNode r : results) {
            assertThat(r.get("decode_tps").asDouble()).isPositive();
            assertThat(r.get("roofline_share").asDouble()).isPositive().isLessThanOrEqualTo(10);
            assertThat(r.get("repetitions").asInt()).isEqualTo(2);
        }
        assertThat(run.err()).contains("bench: 1 thread, pp8 tg4: run 2/2", "bench: 2 threads, pp16 tg4: run 2/2",
                "bench: chart written to " + chart).doesNotContain("Using incubator modules");

        Document page = xml(chart);
        assertThat(page.getDocumentElement().getTagName()).isEqualTo("html");
        assertThat(page.getElementsByTagName("script").getLength()).isZero();
        assertThat(page.getElementsByTagName("svg").getLength()).isEqualTo(2);
        // prefill: a line per thread count over 2 prompt lengths; decode (which does not depend on the prompt): one
        // line and the roofline, over 2 thread counts
        assertThat(page.getElementsByTagName("polyline").getLength()).isEqualTo(2 + 2);
        assertThat(page.getElementsByTagName("circle").getLength()).isEqualTo(2 * 2 + 2 * 2);
        assertThat(page.getElementsByTagName("tr").getLength()).isEqualTo(1 + 4);
        assertThat(page.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("jllm bench: stories260K.gguf (F32)");
    }

    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void badArgumentsAreNamedBeforeAnyWork() {
        String model = Stories260K.model().toString();
        assertError("bench -m " + model + " -p 16,0", "-p/--n-prompt values must be at least 1, got 0");
        assertError("bench -m " + model + " -n -1", "-n/--n-gen values must be at least 1, got -1");
        assertError("bench -m " + model + " -t 2,1,2", "-t/--threads lists a value twice: 2,1,2");
        assertError("bench -m " + model + " -r 0", "--repetitions must be at least 1, got 0");
        assertError("bench -m " + model + " --bandwidth-mib 0", "--bandwidth-mib must be at least 1, got 0");
        assertError("bench -m " + model + " --chart out.png", "--chart writes an HTML page: give a file name ending in .html, got out.png");
        assertError("bench -m " + model + " --chart /no/such/dir/b.html", "--chart /no/such/dir/b.html: no such directory /no/such/dir");
        assertError("bench -m " + model + " -p 2000 -n 8,100 -d 100", "the depth and the longest test, 100 + 2000 tokens, exceed the"
                + " model's context length 2048");
        assertError("bench -m " + model + " -np 0", "-np/--parallel values must be at least 1, got 0");
        assertError("bench -m " + model + " -d -1", "-d/--n-depth must not be negative, got -1");
        assertError("bench -m /no/such/model.gguf", "no such file: /no/such/model.gguf");
        CommandRun notANumber = CommandRun.of("bench", "-m", model, "-p", "16,x");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).startsWith("Invalid value for option '--n-prompt' (N): 'x' is not an int");
    }

    private static void assertError(String commandLine, String message) {
        CommandRun run = CommandRun.of(commandLine.split(" "));
        assertThat(run.exitCode()).as(commandLine).isEqualTo(1);
        assertThat(run.err()).isEqualTo("jllm: " + message + "\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aJvmThatCannotRunTheVectorKernelsSaysSoLoudly() throws Exception {
        // C1 only and the kernels' scalar switch: both problems are named on stderr and in bench's JSON
        Result bench = jllm(List.of("-XX:TieredStopAtLevel=1", "-Djllm.vector=false"),
                "bench", "-m", Stories260K.model().toString(), "-p", "4", "-n", "2", "-r", "1", "--bandwidth-mib", "8", "--json");
        assertThat(bench.exitCode).as(bench.err).isZero();
        assertThat(bench.err).contains("WARNING: jllm's matrix kernels will crawl", "-XX:TieredStopAtLevel=1", "-Djllm.vector=false");
        JsonNode simd = Stories260K.parse(bench.out).get("simd");
        assertThat(simd.get("vector_kernels").asBoolean()).isFalse();
        assertThat(simd.get("compiled_to_simd").asBoolean()).isFalse();
        assertThat(simd.get("problems")).hasSize(2);

        // every model command warns at start-up
        Result generate = jllm(List.of("-Djllm.vector=false"), "generate", "-m", Stories260K.model().toString(), "-p", "Hi",
                "-n", "2", "--temp", "0");
        assertThat(generate.exitCode).as(generate.err).isZero();
        assertThat(generate.err).startsWith("WARNING: jllm's matrix kernels will crawl").contains("-Djllm.vector=false");
    }

    /**
     * A kernel the JIT gives up on keeps running unintrinsified, boxing every vector: right results, several times
     * slower (a 4x4 tile with its masked tail inline once took C1 past its virtual registers, and the small models
     * served at a quarter of their speed). Batches of 1, 3 and 8 rows of 64 and 172 values take the tiles and tails.
     */
    @Test
    void theJitCompilesEveryKernel() throws Exception {
        Result bench = jllm(List.of("-XX:+PrintCompilation"), "bench", "-m", Stories260K.model().toString(), "-np", "1,3", "-p", "8",
                "-n", "24", "-r", "2", "--bandwidth-mib", "8", "--json");
        assertThat(bench.exitCode).as(bench.err).isZero();
        assertThat(bench.out).contains("dev.jllm.engine.quant.DequantizedProduct::tile4x4");
        assertThat(bench.out.lines().filter(l -> l.contains("dev.jllm") && l.contains("COMPILE SKIPPED"))).isEmpty();
    }

    private record Result(int exitCode, String out, String err) {}

    /** Runs jllm in a new JVM started as this one, with {@code jvmOptions} added. */
    private static Result jllm(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.jllm.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String stderr = err.join().lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).map(l -> l + "\n")
                .reduce("", String::concat);
        return new Result(p.exitValue(), out, stderr);
    }
}
