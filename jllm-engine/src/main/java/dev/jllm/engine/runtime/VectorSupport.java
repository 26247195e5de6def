package dev.jllm.engine.runtime;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the kernels' Vector API code will become SIMD instructions in this JVM, and if not, why. Only HotSpot's C2
 * compiler intrinsifies the Vector API; without it (interpreter, C1 only, vector intrinsics off) every vector
 * operation is a boxed Java object and the kernels run tens of times slower than their scalar path. The kernels
 * themselves take their vector path only for 256- or 512-bit preferred species and unless {@code -Djllm.vector=false}
 * (see quant's Simd), so a narrower (or wider) species means scalar kernels too.
 *
 * @param speciesBits the preferred vector species' width in bits (0 when the Vector API module is absent)
 * @param vectorKernels whether the kernels take their vector path (the rule of quant's Simd)
 * @param compiledToSimd whether C2 can compile Vector API calls to SIMD instructions, as far as the flags tell
 * @param problems why the kernels will be slow, one sentence each; empty when they will be fast
 */
public record VectorSupport(int speciesBits, boolean vectorKernels, boolean compiledToSimd, List<String> problems) {

    private static final String MODULE = "jdk.incubator.vector";

    public VectorSupport {
        problems = List.copyOf(problems);
    }

    /**
     * What decides it: the JVM's flags as {@link HotSpotDiagnosticMXBean} reports them (null where a flag cannot be
     * read, e.g. an experimental flag that was not unlocked, or a JVM that is not HotSpot) and the system property.
     *
     * @param vectorModule whether jdk.incubator.vector is in the boot layer
     * @param preferredBits the preferred species' width in bits (FloatVector.SPECIES_PREFERRED)
     * @param useCompiler -XX:UseCompiler (false under -Xint)
     * @param tieredCompilation -XX:TieredCompilation
     * @param tieredStopAtLevel -XX:TieredStopAtLevel (C2 is level 4)
     * @param compilationMode -XX:CompilationMode (quick-only means C1 only)
     * @param maxVectorSize -XX:MaxVectorSize in bytes
     * @param enableVectorSupport -XX:EnableVectorSupport (experimental: readable only when unlocked)
     * @param jllmVector the system property jllm.vector
     */
    public record Flags(boolean vectorModule, int preferredBits, Boolean useCompiler, Boolean tieredCompilation,
            Integer tieredStopAtLevel, String compilationMode, Integer maxVectorSize, Boolean enableVectorSupport,
            String jllmVector) {}

    /** This JVM's answer (computed once: the flags cannot change while it runs). */
    public static VectorSupport current() {
        return Current.VALUE;
    }

    private static final class Current {
        static final VectorSupport VALUE = decide(readFlags());
    }

    /** The decision for the given flags. */
    public static VectorSupport decide(Flags f) {
        List<String> problems = new ArrayList<>();
        if (!f.vectorModule()) {
            problems.add("the Vector API module is not loaded: run java with --add-modules " + MODULE);
            return new VectorSupport(0, false, false, problems);
        }
        boolean compiled = true;
        if (Boolean.FALSE.equals(f.useCompiler())) {
            problems.add("the JIT compiler is off (-Xint or -XX:TieredStopAtLevel=0): every vector operation is interpreted");
            compiled = false;
        } else if ("quick-only".equals(f.compilationMode())) {
            problems.add("-XX:CompilationMode=quick-only runs C1 only, and only C2 compiles the Vector API to SIMD instructions");
            compiled = false;
        } else if (!Boolean.FALSE.equals(f.tieredCompilation()) && f.tieredStopAtLevel() != null && f.tieredStopAtLevel() < 4) {
            problems.add("-XX:TieredStopAtLevel=" + f.tieredStopAtLevel()
                    + " never reaches C2 (level 4), the only compiler that turns the Vector API into SIMD instructions");
            compiled = false;
        }
        if (Boolean.FALSE.equals(f.enableVectorSupport())) {
            problems.add("-XX:-EnableVectorSupport turns the Vector API intrinsics off");
            compiled = false;
        }
        boolean kernels = true;
        int bits = f.preferredBits();
        if (bits != 256 && bits != 512) {
            String cause = f.maxVectorSize() != null && f.maxVectorSize() * 8 < 256
                    ? "-XX:MaxVectorSize=" + f.maxVectorSize() + " limits it" : "the CPU offers no other width to Java";
            problems.add("the preferred vector species is " + bits + " bits (" + cause
                    + "); jllm's kernels need 256- or 512-bit vectors (AVX2, AVX-512, SVE-256) and run scalar code otherwise");
            kernels = false;
        }
        if ("false".equalsIgnoreCase(f.jllmVector())) {
            problems.add("-Djllm.vector=false turns the vector kernels off");
            kernels = false;
        }
        return new VectorSupport(bits, kernels, compiled, problems);
    }

    /** True when the kernels will run as SIMD code. */
    public boolean fast() {
        return problems.isEmpty();
    }

    /** A loud multi-line warning naming every problem, or null when the kernels will be fast. */
    public String warning() {
        if (fast()) return null;
        StringBuilder s = new StringBuilder("WARNING: jllm's matrix kernels will crawl (10-100x slower than normal):");
        for (String p : problems) s.append(System.lineSeparator()).append("WARNING:   - ").append(p);
        return s.toString();
    }

    private static Flags readFlags() {
        boolean module = ModuleLayer.boot().findModule(MODULE).isPresent();
        HotSpotDiagnosticMXBean hotspot = hotspot();
        return new Flags(module, module ? VectorApi.preferredBits() : 0,
                bool(hotspot, "UseCompiler"), bool(hotspot, "TieredCompilation"), integer(hotspot, "TieredStopAtLevel"),
                option(hotspot, "CompilationMode"), integer(hotspot, "MaxVectorSize"), bool(hotspot, "EnableVectorSupport"),
                System.getProperty("jllm.vector"));
    }

    /** Touches the Vector API only when its module is present, so that its absence is reported, not thrown. */
    private static final class VectorApi {
        static int preferredBits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }

    private static HotSpotDiagnosticMXBean hotspot() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return null; // not HotSpot: the flags stay unknown
        }
    }

    private static String option(HotSpotDiagnosticMXBean hotspot, String name) {
        if (hotspot == null) return null;
        try {
            return hotspot.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null; // no such flag in this JVM, or an experimental one not unlocked
        }
    }

    private static Boolean bool(HotSpotDiagnosticMXBean hotspot, String name) {
        String v = option(hotspot, name);
        return v == null ? null : Boolean.valueOf(v);
    }

    private static Integer integer(HotSpotDiagnosticMXBean hotspot, String name) {
        String v = option(hotspot, name);
        if (v == null) return null;
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
