package dev.jllm.cli;

import dev.jllm.cli.hub.HubClient;
import dev.jllm.cli.hub.HubException;
import dev.jllm.cli.hub.HubSettings;
import dev.jllm.cli.hub.ModelReference;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `jllm pull owner/repo[:QUANT|:FILE]`: downloads a GGUF model from Hugging Face into the cache, prints its path. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a GGUF model from Hugging Face into the local cache and print its path.",
        "REPO alone takes its Q4_K_M file (else Q4_0, Q8_0, else its only .gguf); REPO:QUANT the .gguf whose name holds QUANT;"
                + " REPO:FILE that file.",
        "Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (gated or private repositories),"
                + " JLLM_CACHE (default ~/.cache/jllm)."})
final class PullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO[:QUANT|:FILE]", description = "for example bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")
    String reference;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "cache folder (default: JLLM_CACHE, else ~/.cache/jllm)")
    Path cacheDir;

    @Option(names = "--endpoint", paramLabel = "URL", description = "hub address (default: HF_ENDPOINT, else https://huggingface.co)")
    URI endpoint;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelReference ref = ModelReference.parse(reference).orElseThrow(() -> new HubException(
                "'" + reference + "' is not a Hugging Face reference: write owner/repo, owner/repo:QUANT or owner/repo:FILE.gguf"));
        HubSettings env = HubSettings.fromEnvironment();
        HubSettings settings = new HubSettings(endpoint != null ? endpoint : env.endpoint(), env.token(),
                cacheDir != null ? cacheDir : env.cacheDir());
        try (HubClient hub = new HubClient(settings, spec.commandLine().getErr())) {
            spec.commandLine().getOut().println(hub.pull(ref));
        }
        return 0;
    }
}
