package dev.jllm.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JinjaDialectTest {

    @Test
    void makesTheOperandOfNotExplicit() {
        assertThat(JinjaDialect.toJinjava("{% if not '<<SYS>>' in messages[0]['content'] %}"))
                .isEqualTo("{% if not ('<<SYS>>' in messages[0]['content']) %}");
        assertThat(JinjaDialect.toJinjava("{{ x if not a == b and c else y }}")).isEqualTo("{{ x if not (a == b) and c else y }}");
        assertThat(JinjaDialect.toJinjava("{%- if not (a or b) -%}")).isEqualTo("{%- if not ((a or b)) -%}");
        assertThat(JinjaDialect.toJinjava("{{ f(not a, b) }}")).isEqualTo("{{ f(not (a), b) }}");
    }

    @Test
    void leavesIsNotAndNotInAlone() {
        assertThat(JinjaDialect.toJinjava("{{ a is not none }}{{ a not in b }}")).isEqualTo("{{ a is not none }}{{ a not in b }}");
    }

    @Test
    void givesKeywordArgumentsTheirWholeValue() {
        assertThat(JinjaDialect.toJinjava("{% set ns = namespace(a=true, i=messages|length - 1) %}"))
                .isEqualTo("{% set ns = namespace(a=(true), i=(messages|length - 1)) %}");
        assertThat(JinjaDialect.toJinjava("{{ f(a == b) }}{% set x = 1 %}")).isEqualTo("{{ f(a == b) }}{% set x = 1 %}");
    }

    @Test
    void rewritesReversedSlices() {
        assertThat(JinjaDialect.toJinjava("{% for m in messages[::-1] %}")).isEqualTo("{% for m in messages|reverse|list %}");
    }

    @Test
    void leavesTextStringsAndCommentsAlone() {
        String text = "not a in b [::-1] {# not x in y #}{{ 'not a in b' }}";
        assertThat(JinjaDialect.toJinjava(text)).isEqualTo(text);
        assertThat(JinjaDialect.toJinjava("{% raw %}{{ not a in b }}{% endraw %}")).isEqualTo("{% raw %}{{ not a in b }}{% endraw %}");
        assertThat(JinjaDialect.toJinjava("{{ '%}' + x }}")).isEqualTo("{{ '%}' + x }}");
    }

    @Test
    void lstripBlocksStripsOnlyAtLineStart() {
        assertThat(JinjaDialect.toJinjava("a\n   {% if x %}")).isEqualTo("a\n{% if x %}");
        assertThat(JinjaDialect.toJinjava("   {% if x %}")).isEqualTo("{% if x %}");
        assertThat(JinjaDialect.toJinjava("a: {% if x %}")).isEqualTo("a: {% if x %}");
        assertThat(JinjaDialect.toJinjava("a\n  {{ x }}")).isEqualTo("a\n  {{ x }}");
        assertThat(JinjaDialect.toJinjava("a\n  {%+ if x %}")).isEqualTo("a\n  {%+ if x %}");
        assertThat(JinjaDialect.toJinjava("a\n  {# note #}")).isEqualTo("a\n{# note #}");
    }

    @Test
    void dropsOneTrailingNewline() {
        assertThat(JinjaDialect.toJinjava("x\n\n")).isEqualTo("x\n");
    }
}
