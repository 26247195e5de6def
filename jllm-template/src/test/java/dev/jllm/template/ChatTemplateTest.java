package dev.jllm.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.ChatMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public API and the Jinja features chat templates rely on, each against what Jinja2 gives. */
class ChatTemplateTest {
    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello"));

    private static String render(String template, Map<String, ?> variables) {
        return ChatTemplate.of(template, "<s>", "</s>").render(HELLO, true, variables);
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void exposesTheTransformersVariables() {
        assertThat(render("{{ bos_token }}|{{ messages[0].role }}:{{ messages[0]['content'] }}|{{ add_generation_prompt }}|{{ eos_token }}"))
                .isEqualTo("<s>|user:Hello|true|</s>");
    }

    @Test
    void raiseExceptionStopsRenderingWithTheTemplatesMessage() {
        String gemma = TransformersReferenceTest.GEMMA_IT;
        List<ChatMessage> withSystem = List.of(ChatMessage.system("be brief"), ChatMessage.user("Hi"));
        assertThatThrownBy(() -> ChatTemplate.of(gemma, "<bos>", "<eos>").render(withSystem, true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("the chat template raised an exception: System role not supported");
        List<ChatMessage> twoUsers = List.of(ChatMessage.user("a"), ChatMessage.user("b"));
        assertThatThrownBy(() -> ChatTemplate.of(gemma, "<bos>", "<eos>").render(twoUsers, true))
                .hasMessageEndingWith("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void aTemplateThatDoesNotParseIsRejectedWhenCreated() {
        assertThatThrownBy(() -> ChatTemplate.of("{% for m in messages %}{{ m.content }}", "", ""))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 1").hasMessageContaining("endfor");
        assertThatThrownBy(() -> ChatTemplate.of("{% frobnicate %}", "", ""))
                .hasMessageContaining("Unknown tag: frobnicate");
    }

    @Test
    void unknownFiltersAndTestsAreRejectedLikeJinja2Does() {
        assertThatThrownBy(() -> ChatTemplate.of("{{ x | frobnicate }}", "", ""))
                .hasMessage("the chat template uses the filter 'frobnicate', which this Jinja engine does not have");
        assertThatThrownBy(() -> ChatTemplate.of("{% if x is not frobnicated %}{% endif %}", "", ""))
                .hasMessageContaining("the test 'frobnicated'");
        // a "|" inside a string is not a filter
        assertThat(render("{{ '<|im_start|>' | trim }}")).isEqualTo("<|im_start|>");
    }

    @Test
    void unsupportedLoopAttributesFailInsteadOfRenderingWrongly() {
        assertThatThrownBy(() -> render("{% for m in messages %}{{ loop.previtem }}{% endfor %}"))
                .hasMessageContaining("loop.previtem is not supported");
    }

    @Test
    void rendererVariablesCannotBeOverridden() {
        assertThatThrownBy(() -> render("x", Map.of("messages", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"messages\"");
    }

    @Test
    void strftimeNowReadsTheTemplatesClockAndIsDefined() {
        // Llama 3.2's opening: use today's date when the caller gives none
        String template = "{%- if not date_string is defined %}{%- if strftime_now is defined %}"
                + "{%- set date_string = strftime_now(\"%d %b %Y\") %}{%- else %}{%- set date_string = \"26 Jul 2024\" %}"
                + "{%- endif %}{%- endif %}Today Date: {{ date_string }}";
        Clock clock = Clock.fixed(Instant.parse("2025-03-09T10:15:00Z"), ZoneOffset.UTC);
        ChatTemplate t = ChatTemplate.of(template, "", "").withClock(clock);
        assertThat(t.render(HELLO, true)).isEqualTo("Today Date: 09 Mar 2025");
        assertThat(t.render(HELLO, true, Map.of("date_string", "01 Jan 2020"))).isEqualTo("Today Date: 01 Jan 2020");
        assertThat(render("{{ strftime_now('%Y-%m-%d') }}"))
                .isEqualTo(java.time.LocalDate.now().toString()); // the system clock by default
    }

    @Test
    void pythonStringMethods() {
        assertThat(render("[{{ '  a b \\n'.strip() }}][{{ 'xxaxx'.strip('x') }}][{{ '\\n\\na'.lstrip('\\n') }}][{{ 'a  '.rstrip() }}]"))
                .isEqualTo("[a b][a][a][a]");
        assertThat(render("{{ 'hello wORLD 1st'.title() }}|{{ 'abc'.upper() }}|{{ 'ABC'.lower() }}|{{ 'hELLO'.capitalize() }}"))
                .isEqualTo("Hello World 1St|ABC|abc|Hello");
        assertThat(render("{{ 'abc'.startswith('ab') }} {{ 'abc'.endswith('bc') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'abc'.startswith('b') }}"))
                .isEqualTo("true true true false");
        assertThat(render("{{ 'a</think>b</think>c'.split('</think>')[-1] }}|{{ 'a.b.c'.split('.') | length }}|{{ ' a  b '.split() | join(',') }}|{{ 'a,b,c'.split(',', 1)[1] }}"))
                .isEqualTo("c|3|a,b|b,c");
        assertThat(render("{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.count('b') }}|{{ '-'.join(['x', 'y']) }}|{{ 'xyz'[-1] }}"))
                .isEqualTo("bba|1|2|x-y|z");
    }

    @Test
    void jinjaFeaturesTemplatesUse() {
        assertThat(render("{% for m in ['a', 'b', 'c'] %}{{ loop.index0 }}{{ loop.first }}{{ loop.last }};{% endfor %}"))
                .isEqualTo("0truefalse;1falsefalse;2falsetrue;");
        assertThat(render("{% set ns = namespace(found=false) %}{% for m in messages %}{% set ns.found = true %}{% endfor %}{{ ns.found }}"))
                .isEqualTo("true");
        assertThat(render("{{ x is defined }} {{ none is none }} {{ 'a' is string }} {{ 1 is string }} {{ messages is iterable }} {{ messages[0] is mapping }}"))
                .isEqualTo("false true true false true true");
        assertThat(render("{{ [1, 2, 3, 4][1:] }} {{ 'abcd'[1:3] }} {{ [1, 2, 3][::-1] }}")).isEqualTo("[2, 3, 4] bc [3, 2, 1]");
        assertThat(render("{{ 'a' + 'b' ~ 1 }}")).isEqualTo("ab1");
        assertThat(render("{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}"))
                .isEqualTo("02");
        assertThat(render("{% generation %}kept{% endgeneration %}")).isEqualTo("kept");
        assertThat(render("{{ dict(b=1, a='x') | tojson }}")).isEqualTo("{\"b\": 1, \"a\": \"x\"}");
        assertThat(render("{% for k, v in {'x': 1, 'y': 2} | items %}{{ k }}={{ v }};{% endfor %}")).isEqualTo("x=1;y=2;");
    }

    @Test
    void notBindsLooserThanComparisonsAsInPython() {
        assertThat(render("{{ not 'x' in ['x'] }} {{ not 1 == 2 }} {{ not x is defined }} {{ 'a' not in ['b'] }} {{ none is not none }}"))
                .isEqualTo("false true true true false");
        assertThat(render("{{ 'y' if not false and true else 'n' }}")).isEqualTo("y");
    }

    @Test
    void whitespaceControlFollowsJinja2WithTrimAndLstripBlocks() {
        // trim_blocks eats the newline after a block tag; lstrip_blocks the indentation before it
        assertThat(render("<\n    {% if true %}\n    x\n    {% endif %}\n>")).isEqualTo("<\n    x\n>");
        // lstrip_blocks only strips from the start of a line: the space after ":" stays
        assertThat(render("a: {% if true %}b{% endif %}")).isEqualTo("a: b");
        // {%- and -%} strip all whitespace on their side, {{- -}} too
        assertThat(render("a  \n  {%- if true -%}  \n  b  {{- ' c ' -}}  d{% endif %}")).isEqualTo("ab c d");
        // {%+ keeps the indentation
        assertThat(render("  {%+ if true %}x{% endif %}")).isEqualTo("  x");
        // one trailing newline of the template is dropped, as Jinja2 does
        assertThat(render("x\n")).isEqualTo("x");
        assertThat(render("x\n\n")).isEqualTo("x\n");
    }

    @Test
    void builtinTemplatesByName() {
        assertThat(ChatTemplate.builtinNames()).contains("chatml", "llama2", "llama3", "zephyr", "mistral-v1",
                "mistral-v3", "mistral-v7", "gemma", "phi3");
        List<ChatMessage> chat = List.of(ChatMessage.user("Hi"));
        assertThat(ChatTemplate.named("chatml").render(chat, true)).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(ChatTemplate.named("llama3").render(chat, true))
                .isEqualTo("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(ChatTemplate.named("zephyr").render(chat, true)).isEqualTo("<|user|>\nHi<|endoftext|>\n<|assistant|>\n");
        assertThat(ChatTemplate.named("gemma").render(chat, true)).isEqualTo("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
        assertThat(ChatTemplate.named("phi3").render(chat, true)).isEqualTo("<|user|>\nHi<|end|>\n<|assistant|>\n");
        // llama.cpp resolves "mistral" by prefix to the [INST] format of Mistral-Instruct v0.1/v0.2
        assertThat(ChatTemplate.named("mistral").name()).isEqualTo("llama2");
        assertThat(ChatTemplate.named("mistral").render(chat, true)).isEqualTo("[INST] Hi [/INST]");
        assertThatThrownBy(() -> ChatTemplate.named("vicuna-13b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown chat template name \"vicuna-13b\"").hasMessageContaining("chatml");
    }

    @Test
    void fallbackIsChatmlWithoutATemplateAndTheDetectedFormatOtherwise() {
        assertThat(ChatTemplate.fallback(null).name()).isEqualTo("chatml");
        assertThat(ChatTemplate.fallback("  ").name()).isEqualTo("chatml");
        assertThat(ChatTemplate.fallback("{{ something nobody knows }}").name()).isEqualTo("chatml");
        assertThat(ChatTemplate.fallback(TransformersReferenceTest.GEMMA_IT).name()).isEqualTo("gemma");
        assertThat(ChatTemplate.fallback(TransformersReferenceTest.LLAMA_3_1).name()).isEqualTo("llama3");
        assertThat(ChatTemplate.fallback(TransformersReferenceTest.QWEN2_5_INSTRUCT).name()).isEqualTo("chatml");
        // llama.cpp tests "<|assistant|>" and "<|user|>" before its zephyr test, so zephyr-7b-beta's template,
        // which writes eos_token rather than a literal </s>, lands on glmedge there too
        assertThat(ChatTemplate.fallback(TransformersReferenceTest.ZEPHYR).name()).isEqualTo("glmedge");
    }
}
