package dev.jllm.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * llama.cpp's built-in chat formats ({@code llm_chat_apply_template} in src/llama-chat.cpp), written as Jinja, and
 * its way of recognizing which one a template means ({@code llm_chat_detect_template}). They are the fallback when a
 * model ships no template, or one that cannot be rendered. Like llama.cpp's, they write special tokens literally and
 * never start with BOS.
 */
final class BuiltinTemplates {
    private BuiltinTemplates() {}

    private static final Map<String, String> SOURCES = new LinkedHashMap<>();

    /** {@code {% for m in messages %}BODY{% endfor %}} followed by {@code GEN} when a generation prompt is asked. */
    private static String each(String body, String generation) {
        return "{% for m in messages %}" + body + "{% endfor %}"
                + (generation == null ? "" : "{% if add_generation_prompt %}{{ '" + generation + "' }}{% endif %}");
    }

    private static String llama2(boolean system, boolean bosInHistory, boolean strip) {
        return "{{ '[INST] ' }}{% set ns = namespace(inside=true) %}{% for m in messages %}"
                + "{% set content = " + (strip ? "m.content|trim" : "m.content") + " %}"
                + "{% if not ns.inside %}{% set ns.inside = true %}{{ '" + (bosInHistory ? "<s>" : "") + "[INST] ' }}{% endif %}"
                + "{% if m.role == 'system' %}"
                + (system ? "{{ '<<SYS>>\\n' + content + '\\n<</SYS>>\\n\\n' }}" : "{{ content + '\\n' }}")
                + "{% elif m.role == 'user' %}{{ content + ' [/INST]' }}"
                + "{% else %}{{ content + '</s>' }}{% set ns.inside = false %}{% endif %}{% endfor %}";
    }

    private static String mistral(String leading, String trailing, boolean trimAssistant) {
        return "{% set ns = namespace(inside=false) %}{% for m in messages %}"
                + "{% if not ns.inside %}{{ '" + leading + "[INST]" + trailing + "' }}{% set ns.inside = true %}{% endif %}"
                + "{% if m.role == 'system' %}{{ m.content + '\\n\\n' }}"
                + "{% elif m.role == 'user' %}{{ m.content + '" + leading + "[/INST]' }}"
                + "{% else %}{{ '" + trailing + "' + " + (trimAssistant ? "m.content|trim" : "m.content")
                + " + '</s>' }}{% set ns.inside = false %}{% endif %}{% endfor %}";
    }

    private static String mistralV7(String space) {
        return each("{% if m.role == 'system' %}{{ '[SYSTEM_PROMPT]" + space + "' + m.content + '[/SYSTEM_PROMPT]' }}"
                + "{% elif m.role == 'user' %}{{ '[INST]" + space + "' + m.content + '[/INST]' }}"
                + "{% else %}{{ '" + space + "' + m.content + '</s>' }}{% endif %}", null);
    }

    /** Role-based formats: system, user and assistant each wrapped in their own text. */
    private static String roles(String system, String user, String assistant, String generation) {
        return each("{% if m.role == 'system' %}" + system + "{% elif m.role == 'user' %}" + user
                + "{% elif m.role == 'assistant' %}" + assistant + "{% endif %}", generation);
    }

    static {
        SOURCES.put("chatml", each("{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}",
                "<|im_start|>assistant\\n"));
        SOURCES.put("llama2", llama2(false, false, false));
        SOURCES.put("llama2-sys", llama2(true, false, false));
        SOURCES.put("llama2-sys-bos", llama2(true, true, false));
        SOURCES.put("llama2-sys-strip", llama2(true, false, true));
        SOURCES.put("mistral-v1", mistral(" ", " ", false));
        SOURCES.put("mistral-v3", mistral("", " ", true));
        SOURCES.put("mistral-v3-tekken", mistral("", "", false));
        SOURCES.put("mistral-v7", mistralV7(" "));
        SOURCES.put("mistral-v7-tekken", mistralV7(""));
        SOURCES.put("phi3", each("{{ '<|' + m.role + '|>\\n' + m.content + '<|end|>\\n' }}", "<|assistant|>\\n"));
        SOURCES.put("phi4", each("{{ '<|im_start|>' + m.role + '<|im_sep|>' + m.content + '<|im_end|>' }}",
                "<|im_start|>assistant<|im_sep|>"));
        SOURCES.put("falcon3", each("{{ '<|' + m.role + '|>\\n' + m.content + '\\n' }}", "<|assistant|>\\n"));
        SOURCES.put("zephyr", each("{{ '<|' + m.role + '|>\\n' + m.content + '<|endoftext|>\\n' }}", "<|assistant|>\\n"));
        SOURCES.put("monarch", each("{{ ('' if loop.first else '<s>') + m.role + '\\n' + m.content + '</s>\\n' }}",
                "<s>assistant\\n"));
        SOURCES.put("gemma", "{% set ns = namespace(system='') %}" + each(
                "{% if m.role == 'system' %}{% set ns.system = ns.system + m.content|trim %}{% else %}"
                        + "{% set role = 'model' if m.role == 'assistant' else m.role %}"
                        + "{{ '<start_of_turn>' + role + '\\n' }}"
                        + "{% if ns.system and role != 'model' %}{{ ns.system + '\\n\\n' }}{% set ns.system = '' %}{% endif %}"
                        + "{{ m.content|trim + '<end_of_turn>\\n' }}{% endif %}",
                "<start_of_turn>model\\n"));
        SOURCES.put("orion", "{% set ns = namespace(system='') %}" + each(
                "{% if m.role == 'system' %}{% set ns.system = ns.system + m.content %}"
                        + "{% elif m.role == 'user' %}{{ 'Human: ' }}"
                        + "{% if ns.system %}{{ ns.system + '\\n\\n' }}{% set ns.system = '' %}{% endif %}"
                        + "{{ m.content + '\\n\\nAssistant: </s>' }}{% else %}{{ m.content + '</s>' }}{% endif %}",
                null));
        SOURCES.put("openchat", each("{% if m.role == 'system' %}{{ m.content + '<|end_of_turn|>' }}{% else %}"
                + "{{ 'GPT4 Correct ' + m.role[:1]|upper + m.role[1:] + ': ' + m.content + '<|end_of_turn|>' }}{% endif %}",
                "GPT4 Correct Assistant:"));
        SOURCES.put("vicuna", roles("{{ m.content + '\\n\\n' }}", "{{ 'USER: ' + m.content + '\\n' }}",
                "{{ 'ASSISTANT: ' + m.content + '</s>\\n' }}", "ASSISTANT:"));
        SOURCES.put("vicuna-orca", roles("{{ 'SYSTEM: ' + m.content + '\\n' }}", "{{ 'USER: ' + m.content + '\\n' }}",
                "{{ 'ASSISTANT: ' + m.content + '</s>\\n' }}", "ASSISTANT:"));
        SOURCES.put("deepseek", roles("{{ m.content }}", "{{ '### Instruction:\\n' + m.content + '\\n' }}",
                "{{ '### Response:\\n' + m.content + '\\n<|EOT|>\\n' }}", "### Response:\\n"));
        SOURCES.put("deepseek2", roles("{{ m.content + '\\n\\n' }}", "{{ 'User: ' + m.content + '\\n\\n' }}",
                "{{ 'Assistant: ' + m.content + '<｜end▁of▁sentence｜>' }}", "Assistant:"));
        SOURCES.put("deepseek3", roles("{{ m.content + '\\n\\n' }}", "{{ '<｜User｜>' + m.content }}",
                "{{ '<｜Assistant｜>' + m.content + '<｜end▁of▁sentence｜>' }}", "<｜Assistant｜>"));
        SOURCES.put("command-r", roles(
                "{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + m.content|trim + '<|END_OF_TURN_TOKEN|>' }}",
                "{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + m.content|trim + '<|END_OF_TURN_TOKEN|>' }}",
                "{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' + m.content|trim + '<|END_OF_TURN_TOKEN|>' }}",
                "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>"));
        SOURCES.put("llama3", each("{{ '<|start_header_id|>' + m.role + '<|end_header_id|>\\n\\n' + m.content|trim"
                + " + '<|eot_id|>' }}", "<|start_header_id|>assistant<|end_header_id|>\\n\\n"));
        SOURCES.put("llama4", each("{{ '<|header_start|>' + m.role + '<|header_end|>\\n\\n' + m.content|trim"
                + " + '<|eot|>' }}", "<|header_start|>assistant<|header_end|>\\n\\n"));
        SOURCES.put("chatglm3", "{{ '[gMASK]sop' }}" + each("{{ '<|' + m.role + '|>\\n ' + m.content }}", "<|assistant|>"));
        SOURCES.put("chatglm4", "{{ '[gMASK]<sop>' }}" + each("{{ '<|' + m.role + '|>\\n' + m.content }}", "<|assistant|>\\n"));
        SOURCES.put("glmedge", each("{{ '<|' + m.role + '|>\\n' + m.content }}", "<|assistant|>"));
        SOURCES.put("minicpm", each("{% if m.role == 'user' %}{{ '<用户>' + m.content|trim + '<AI>' }}"
                + "{% else %}{{ m.content|trim }}{% endif %}", null));
        SOURCES.put("exaone3", roles("{{ '[|system|]' + m.content|trim + '[|endofturn|]\\n' }}",
                "{{ '[|user|]' + m.content|trim + '\\n' }}", "{{ '[|assistant|]' + m.content|trim + '[|endofturn|]\\n' }}",
                "[|assistant|]"));
        SOURCES.put("exaone4", each("{% if m.role == 'system' %}{{ '[|system|]' + m.content|trim + '[|endofturn|]\\n' }}"
                + "{% elif m.role == 'user' %}{{ '[|user|]' + m.content|trim + '\\n' }}"
                + "{% elif m.role == 'assistant' %}{{ '[|assistant|]' + m.content|trim + '[|endofturn|]\\n' }}"
                + "{% elif m.role == 'tool' %}{{ '[|tool|]' + m.content|trim + '[|endofturn|]\\n' }}{% endif %}",
                "[|assistant|]"));
        SOURCES.put("rwkv-world", each("{% if m.role == 'system' %}{{ 'System: ' + m.content|trim + '\\n\\n' }}"
                + "{% elif m.role == 'user' %}{{ 'User: ' + m.content|trim + '\\n\\n' }}"
                + "{% if loop.last %}{{ 'Assistant:' }}{% endif %}"
                + "{% elif m.role == 'assistant' %}{{ 'Assistant: ' + m.content|trim + '\\n\\n' }}{% endif %}", null));
        SOURCES.put("granite", each("{{ '<|start_of_role|>' + m.role + '<|end_of_role|>' }}"
                + "{% if m.role == 'assistant_tool_call' %}{{ '<|tool_call|>' }}{% endif %}"
                + "{{ m.content + '<|end_of_text|>\\n' }}", "<|start_of_role|>assistant<|end_of_role|>"));
        SOURCES.put("gigachat", "{% if messages and messages[0].role == 'system' %}"
                + "{{ '<s>' + messages[0].content + '<|message_sep|>' }}{% set rest = messages[1:] %}"
                + "{% else %}{{ '<s>' }}{% set rest = messages %}{% endif %}"
                + "{% for m in rest %}{% if m.role == 'user' %}{{ 'user<|role_sep|>' + m.content + '<|message_sep|>'"
                + " + 'available functions<|role_sep|>[]<|message_sep|>' }}"
                + "{% elif m.role == 'assistant' %}{{ 'assistant<|role_sep|>' + m.content + '<|message_sep|>' }}{% endif %}"
                + "{% endfor %}{% if add_generation_prompt %}{{ 'assistant<|role_sep|>' }}{% endif %}");
        SOURCES.put("megrez", each("{{ '<|role_start|>' + m.role + '<|role_end|>' + m.content + '<|turn_end|>' }}",
                "<|role_start|>assistant<|role_end|>"));
        SOURCES.put("yandex", "{{ '<s>' }}" + each("{% if m.role == 'user' %}{{ ' Пользователь: ' + m.content + '\\n\\n' }}"
                + "{% elif m.role == 'assistant' %}{{ ' Ассистент: ' + m.content + '\\n\\n' }}{% endif %}",
                " Ассистент:[SEP]"));
        SOURCES.put("bailing", each("{{ '<role>' + ('HUMAN' if m.role == 'user' else m.role|upper) + '</role>'"
                + " + m.content }}", "<role>ASSISTANT</role>"));
        SOURCES.put("smolvlm", "{{ '<|im_start|>' }}" + each("{% if m.role == 'system' %}{{ m.content + '\\n\\n' }}"
                + "{% elif m.role == 'user' %}{{ 'User: ' + m.content + '<end_of_utterance>\\n' }}"
                + "{% else %}{{ 'Assistant: ' + m.content + '<end_of_utterance>\\n' }}{% endif %}", "Assistant:"));
        SOURCES.put("dots1", each("{% if m.role == 'system' %}{{ '<|system|>' + m.content + '<|endofsystem|>' }}"
                + "{% elif m.role == 'user' %}{{ '<|userprompt|>' + m.content + '<|endofuserprompt|>' }}"
                + "{% else %}{{ '<|response|>' + m.content + '<|endofresponse|>' }}{% endif %}", "<|response|>"));
        SOURCES.put("hunyuan-moe", each("{% if m.role == 'system' %}{{ '<|startoftext|>' + m.content + '<|extra_4|>' }}"
                + "{% elif m.role == 'assistant' %}{{ m.content + '<|eos|>' }}"
                + "{% else %}{{ '<|startoftext|>' + m.content + '<|extra_0|>' }}{% endif %}", null));
    }

    static Set<String> names() {
        return SOURCES.keySet();
    }

    static Optional<String> source(String name) {
        return Optional.ofNullable(SOURCES.get(name));
    }

    /**
     * The built-in format llama.cpp would use for {@code template}, which may also be a built-in name. The checks and
     * their order are llama.cpp's; formats it knows but this class does not implement give an empty result.
     */
    static Optional<String> detect(String template) {
        if (SOURCES.containsKey(template)) return Optional.of(template);
        String name = detectName(template);
        return name != null && SOURCES.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    private static String detectName(String t) {
        if (t.contains("<|im_start|>")) {
            return t.contains("<|im_sep|>") ? "phi4" : t.contains("<end_of_utterance>") ? "smolvlm" : "chatml";
        } else if (t.startsWith("mistral") || t.contains("[INST]")) {
            if (t.contains("[SYSTEM_PROMPT]")) {
                return "mistral-v7";
            } else if (t.contains("' [INST] ' + system_message") || t.contains("[AVAILABLE_TOOLS]")) {
                if (t.contains(" [INST]")) return "mistral-v1";
                if (t.contains("\"[INST]\"")) return "mistral-v3-tekken";
                return "mistral-v3";
            }
            if (t.contains("content.strip()")) return "llama2-sys-strip";
            if (t.contains("bos_token + '[INST]")) return "llama2-sys-bos";
            if (t.contains("<<SYS>>")) return "llama2-sys";
            return "llama2";
        } else if (t.contains("<|assistant|>") && t.contains("<|end|>")) {
            return "phi3";
        } else if (t.contains("[gMASK]<sop>")) {
            return "chatglm4";
        } else if (t.contains("<|assistant|>") && t.contains("<|user|>")) {
            return t.contains("</s>") ? "falcon3" : "glmedge";
        } else if (t.contains("<|{{ item['role'] }}|>") && t.contains("<|begin_of_image|>")) {
            return "glmedge";
        } else if (t.contains("<|user|>") && t.contains("<|endoftext|>")) {
            return "zephyr";
        } else if (t.contains("bos_token + message['role']")) {
            return "monarch";
        } else if (t.contains("<start_of_turn>")) {
            return "gemma";
        } else if (t.contains("'\\n\\nAssistant: ' + eos_token")) {
            return "orion";
        } else if (t.contains("GPT4 Correct ")) {
            return "openchat";
        } else if (t.contains("USER: ") && t.contains("ASSISTANT: ")) {
            return t.contains("SYSTEM: ") ? "vicuna-orca" : "vicuna";
        } else if (t.contains("### Instruction:") && t.contains("<|EOT|>")) {
            return "deepseek";
        } else if (t.contains("<|START_OF_TURN_TOKEN|>") && t.contains("<|USER_TOKEN|>")) {
            return "command-r";
        } else if (t.contains("<|start_header_id|>") && t.contains("<|end_header_id|>")) {
            return "llama3";
        } else if (t.contains("[gMASK]sop")) {
            return "chatglm3";
        } else if (t.contains("<用户>")) {
            return "minicpm";
        } else if (t.contains("'Assistant: ' + message['content'] + eos_token")) {
            return "deepseek2";
        } else if (t.contains("<｜Assistant｜>") && t.contains("<｜User｜>") && t.contains("<｜end▁of▁sentence｜>")) {
            return "deepseek3";
        } else if (t.contains("[|system|]") && t.contains("[|assistant|]") && t.contains("[|endofturn|]")) {
            return t.contains("[|tool|]") ? "exaone4" : "exaone3";
        } else if (t.contains("rwkv-world") || t.contains("{{- 'User: ' + message['content']|trim + '\\n\\n' -}}")) {
            return "rwkv-world";
        } else if (t.contains("<|start_of_role|>")) {
            return "granite";
        } else if (t.contains("message['role'] + additional_special_tokens[0] + message['content'] + additional_special_tokens[1]")) {
            return "gigachat";
        } else if (t.contains("<|role_start|>")) {
            return "megrez";
        } else if (t.contains(" Ассистент:")) {
            return "yandex";
        } else if (t.contains("<role>ASSISTANT</role>") && t.contains("'HUMAN'")) {
            return "bailing";
        } else if (t.contains("<|header_start|>") && t.contains("<|header_end|>")) {
            return "llama4";
        } else if (t.contains("<|endofuserprompt|>")) {
            return "dots1";
        } else if (t.contains("<|startoftext|>") && t.contains("<|extra_4|>")) {
            return "hunyuan-moe";
        }
        return null; // includes formats llama.cpp knows that are not built in here (hunyuan-dense, kimi-k2)
    }
}
