package dev.jllm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Jinjava set up like the Jinja environment that Hugging Face transformers renders chat templates in
 * ({@code apply_chat_template}): {@code trim_blocks} and {@code lstrip_blocks} (see {@link JinjaDialect}), the globals
 * {@code raise_exception} and {@code strftime_now}, its {@code tojson} (Python's json.dumps, keys unsorted), the
 * {@code generation} tag, loop controls, and the Python string methods templates call. Thread-safe.
 */
final class HuggingFaceJinja {
    /** Jinja2's sandbox allows ranges of this length; Jinjava's default (1000) is too small for long chats. */
    private static final int RANGE_LIMIT = 100_000;

    private static final Jinjava JINJAVA = create();
    private static final CompositeELResolver RESOLVER = new CompositeELResolver();

    static {
        RESOLVER.add(new PythonStringMethods());
        RESOLVER.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE); // read-write: {% set ns.x = ... %}
    }

    private HuggingFaceJinja() {}

    private static Jinjava create() {
        Jinjava jinjava = new Jinjava();
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "raise_exception", HuggingFaceJinja.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "strftime_now", HuggingFaceJinja.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "dict", HuggingFaceJinja.class, "dict", Object[].class));
        jinjava.getGlobalContext().registerFilter(new ToJson());
        jinjava.getGlobalContext().registerFilter(new Items());
        jinjava.getGlobalContext().registerTag(new Generation());
        return jinjava;
    }

    /**
     * Adapts a Jinja2 template to Jinjava ({@link JinjaDialect}) and checks that it parses; the result is what
     * {@link #render} takes, so the adaptation runs once per template.
     *
     * @throws ChatTemplateException naming the first syntax error
     */
    static String compile(String source) {
        String jinjava = JinjaDialect.toJinjava(source);
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        interpreter.parse(jinjava);
        throwIfFailed(interpreter.getErrors());
        // Jinjava renders an unknown filter or test as nothing; Jinja2 refuses the template, and so do we
        JinjaDialect.Usage usage = JinjaDialect.usage(jinjava);
        for (String filter : usage.filters()) {
            if (JINJAVA.getGlobalContext().getFilter(filter) == null) {
                throw new ChatTemplateException("the chat template uses the filter '" + filter
                        + "', which this Jinja engine does not have");
            }
        }
        for (String test : usage.tests()) {
            if (JINJAVA.getGlobalContext().getExpTest(test) == null) {
                throw new ChatTemplateException("the chat template uses the test '" + test
                        + "', which this Jinja engine does not have");
            }
        }
        return jinjava;
    }

    /** Renders a {@link #compile compiled} template; {@code strftime_now} reads {@code clock}. */
    static String render(String compiled, Map<String, Object> variables, Clock clock) {
        Map<String, Object> bindings = new LinkedHashMap<>(variables);
        // Globals in transformers: templates test them with "is defined" before calling them.
        bindings.putIfAbsent("raise_exception", "<function raise_exception>");
        bindings.putIfAbsent("strftime_now", "<function strftime_now>");
        RenderResult result = JINJAVA.renderForResult(compiled, bindings, config(clock));
        throwIfFailed(result.getErrors());
        return result.getOutput();
    }

    private static JinjavaConfig config(Clock clock) {
        return JinjavaConfig.newBuilder()
                .withTrimBlocks(true) // lstrip_blocks is done by JinjaDialect, which follows Jinja2 exactly
                .withElResolver(RESOLVER)
                .withRangeLimit(RANGE_LIMIT)
                .withDateTimeProvider(clock::millis)
                .withTimeZone(clock.getZone())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} and {#- -#} strip like Jinja2
                        .build())
                .build();
    }

    private static void throwIfFailed(List<TemplateError> errors) {
        for (TemplateError error : errors) {
            for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                if (t instanceof RaisedByTemplate raised) {
                    throw new ChatTemplateException("the chat template raised an exception: " + raised.getMessage());
                }
                if (t instanceof ChatTemplateException e) throw e;
            }
        }
        for (TemplateError error : errors) {
            if (error.getItem() == TemplateError.ErrorItem.PROPERTY && error.getMessage().contains("'<ForLoop")) {
                throw new ChatTemplateException("chat template error at line " + error.getLineno() + ": loop."
                        + error.getFieldName() + " is not supported by this Jinja engine");
            }
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                throw new ChatTemplateException("chat template error at line " + error.getLineno() + ": "
                        + error.getMessage(), error.getException());
            }
        }
    }

    /** Thrown by {@code raise_exception(msg)}; carries the template's own message. */
    private static final class RaisedByTemplate extends RuntimeException {
        RaisedByTemplate(String message) {
            super(message);
        }
    }

    public static Object raiseException(Object message) {
        throw new RaisedByTemplate(String.valueOf(message));
    }

    /** {@code strftime_now(format)}: the current time (of the render's clock) in Python strftime format. */
    public static String strftimeNow(String format) {
        JinjavaConfig config = JinjavaInterpreter.getCurrent().getConfig();
        Instant now = Instant.ofEpochMilli(config.getDateTimeProvider().getCurrentTimeMillis());
        return StrftimeFormatter.format(now.atZone(config.getTimeZone()), format, Locale.US);
    }

    /** {@code dict(key=value, ...)}. */
    public static Map<String, Object> dict(Object... arguments) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Object argument : arguments) {
            if (!(argument instanceof NamedParameter named)) {
                throw new ChatTemplateException("dict() takes keyword arguments only, got " + argument);
            }
            map.put(named.getName(), named.getValue());
        }
        return map;
    }

    /** transformers' {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
            return filter(value, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            String item = null;
            String key = null;
            if (kwargs.get("separators") instanceof List<?> separators && separators.size() == 2) {
                item = String.valueOf(separators.get(0));
                key = String.valueOf(separators.get(1));
            }
            boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            boolean ensureAscii = Boolean.TRUE.equals(kwargs.get("ensure_ascii"));
            Integer spaces = indent == null ? null : Integer.valueOf(((Number) indent).intValue());
            return new PythonJson(spaces, item, key, sortKeys, ensureAscii).write(value);
        }
    }

    /** Jinja's {@code items} filter: the (key, value) pairs of a mapping. */
    private static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
            if (value == null) return List.of();
            if (!(value instanceof Map<?, ?> map)) {
                throw new ChatTemplateException("items filter needs a mapping, got " + value.getClass().getSimpleName());
            }
            return new ArrayList<>(map.entrySet());
        }
    }

    /** transformers' {@code {% generation %}} marks assistant text for training masks; rendering keeps the body. */
    private static final class Generation implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) out.append(child.render(interpreter).getValue());
            return out.toString();
        }
    }
}
