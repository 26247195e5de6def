package dev.jllm.template;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps} writes it, which is what the {@code tojson} filter of Hugging
 * Face chat templates produces: separators {@code ", "} and {@code ": "} (or {@code ","} between items when
 * indenting), keys in insertion order unless sorted, non-ASCII characters kept as they are unless
 * {@code ensure_ascii} is set.
 */
final class PythonJson {
    private final Integer indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;
    private final boolean ensureAscii;

    PythonJson(Integer indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {
        this.indent = indent;
        this.itemSeparator = itemSeparator != null ? itemSeparator : indent != null ? "," : ", ";
        this.keySeparator = keySeparator != null ? keySeparator : ": ";
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    /** {@code json.dumps(value, ensure_ascii=False)}. */
    static String dumps(Object value) {
        return new PythonJson(null, null, null, false, false).write(value);
    }

    String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private void write(Object v, StringBuilder out, int depth) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence s) {
            string(s.toString(), out);
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof Number n) {
            out.append(pythonFloat(n.doubleValue()));
        } else if (v instanceof Map<?, ?> m) {
            object(m, out, depth);
        } else if (v instanceof Collection<?> c) {
            array(new ArrayList<>(c), out, depth);
        } else if (v.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) items.add(Array.get(v, i));
            array(items, out, depth);
        } else if (v instanceof Map.Entry<?, ?> e) {
            array(List.of(e.getKey(), e.getValue()), out, depth);
        } else {
            throw new ChatTemplateException("tojson: object of type " + v.getClass().getSimpleName()
                    + " is not JSON serializable");
        }
    }

    private void object(Map<?, ?> m, StringBuilder out, int depth) {
        if (m.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        if (sortKeys) entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) out.append(itemSeparator);
            newline(out, depth + 1);
            Object key = entries.get(i).getKey();
            string(key instanceof CharSequence ? key.toString() : keyText(key), out);
            out.append(keySeparator);
            write(entries.get(i).getValue(), out, depth + 1);
        }
        newline(out, depth);
        out.append('}');
    }

    /** Python converts non-string keys with their JSON text (True becomes "true"). */
    private String keyText(Object key) {
        if (key == null) return "null";
        if (key instanceof Boolean || key instanceof Number) return new PythonJson(null, null, null, false, false).write(key);
        throw new ChatTemplateException("tojson: keys must be str, int, float, bool or None, not "
                + key.getClass().getSimpleName());
    }

    private void array(List<?> items, StringBuilder out, int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) out.append(itemSeparator);
            newline(out, depth + 1);
            write(items.get(i), out, depth + 1);
        }
        newline(out, depth);
        out.append(']');
    }

    private void newline(StringBuilder out, int depth) {
        if (indent == null) return;
        out.append('\n');
        out.append(" ".repeat(indent * depth));
    }

    private void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1; // position of the leading digit
        if (exponent < -4 || exponent >= 16) {
            String digits = shortest.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String sign = exponent < 0 ? "-" : "+";
            int e = Math.abs(exponent);
            return (d < 0 ? "-" : "") + mantissa + "e" + sign + (e < 10 ? "0" : "") + e;
        }
        String plain = shortest.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
