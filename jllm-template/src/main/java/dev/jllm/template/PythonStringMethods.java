package dev.jllm.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Gives strings the Python {@code str} methods that chat templates call ({@code content.strip()},
 * {@code role.title()}, {@code text.split('</think>')[-1]} ...), with Python's semantics where Java's same-named
 * methods differ (Java's {@code split} takes a regex), and Python's negative indexing ({@code text[-1]}).
 * Every other lookup falls through to Jinjava's own resolvers.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String s) || method == null) return null;
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), args);
        if (result != NOT_A_METHOD) context.setPropertyResolved(true);
        return result == NOT_A_METHOD ? null : result;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands the index over as text ("-1"), Python-style negative indexes included
        Integer index = base instanceof String ? index(property) : null;
        if (index != null) {
            String s = (String) base;
            int i = index;
            int at = i < 0 ? i + s.length() : i;
            context.setPropertyResolved(true);
            if (at < 0 || at >= s.length()) {
                throw new ChatTemplateException("string index " + i + " out of range for a string of length " + s.length());
            }
            return String.valueOf(s.charAt(at));
        }
        return null;
    }

    private static Integer index(Object property) {
        if (property instanceof Long || property instanceof Integer) return ((Number) property).intValue();
        if (property instanceof String text && text.matches("-?\\d{1,9}")) return Integer.valueOf(text);
        return null;
    }

    private static final Object NOT_A_METHOD = new Object();

    private static Object call(String s, String name, Object[] a) {
        return switch (name) {
            case "strip" -> strip(s, chars(name, a), true, true);
            case "lstrip" -> strip(s, chars(name, a), true, false);
            case "rstrip" -> strip(s, chars(name, a), false, true);
            case "upper" -> noArgs(name, a, s.toUpperCase(Locale.ROOT));
            case "lower" -> noArgs(name, a, s.toLowerCase(Locale.ROOT));
            case "title" -> noArgs(name, a, title(s));
            case "capitalize" -> noArgs(name, a, s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT));
            case "startswith" -> affix(s, name, a, true);
            case "endswith" -> affix(s, name, a, false);
            case "split" -> split(s, a.length > 0 ? a[0] : null, a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "replace" -> replace(s, name, a);
            case "find" -> s.indexOf(string(name, a, 0));
            case "count" -> count(s, string(name, a, 0));
            case "join" -> join(s, name, a);
            default -> NOT_A_METHOD;
        };
    }

    private static String noArgs(String name, Object[] a, String result) {
        if (a.length != 0) throw new ChatTemplateException("str." + name + "() takes no arguments (" + a.length + " given)");
        return result;
    }

    private static String chars(String name, Object[] a) {
        if (a.length > 1) throw new ChatTemplateException("str." + name + "() takes at most 1 argument (" + a.length + " given)");
        return a.length == 0 || a[0] == null ? null : a[0].toString();
    }

    private static String string(String name, Object[] a, int i) {
        if (a.length <= i || a[i] == null) throw new ChatTemplateException("str." + name + "() needs a string argument");
        return a[i].toString();
    }

    /** Python's strip: whitespace when {@code chars} is null, otherwise any of the given characters. */
    private static String strip(String s, String chars, boolean left, boolean right) {
        int from = 0;
        int to = s.length();
        while (left && from < to && stripped(s.charAt(from), chars)) from++;
        while (right && to > from && stripped(s.charAt(to - 1), chars)) to--;
        return s.substring(from, to);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    /** Python's title(): a letter after a non-letter is upper case, any other letter lower case. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean cased = Character.isLetter(c);
            out.append(!cased ? c : previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousCased = cased;
        }
        return out.toString();
    }

    private static boolean affix(String s, String name, Object[] a, boolean start) {
        if (a.length != 1 || a[0] == null) throw new ChatTemplateException("str." + name + "() takes one argument");
        if (a[0] instanceof Iterable<?> options) { // a tuple of alternatives
            for (Object o : options) {
                if (start ? s.startsWith(o.toString()) : s.endsWith(o.toString())) return true;
            }
            return false;
        }
        return start ? s.startsWith(a[0].toString()) : s.endsWith(a[0].toString());
    }

    /** Python's split: on runs of whitespace without empty parts when sep is None, else on the literal separator. */
    private static List<String> split(String s, Object sep, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                if (i >= n) return parts;
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(s.substring(i), null, false, true));
                    return parts;
                }
                int j = i;
                while (j < n && !Character.isWhitespace(s.charAt(j))) j++;
                parts.add(s.substring(i, j));
                i = j;
            }
        }
        String separator = sep.toString();
        if (separator.isEmpty()) throw new ChatTemplateException("str.split(): empty separator");
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(separator, from);
            if (at < 0) break;
            parts.add(s.substring(from, at));
            from = at + separator.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String replace(String s, String name, Object[] a) {
        String old = string(name, a, 0);
        String replacement = string(name, a, 1);
        int count = a.length > 2 ? ((Number) a[2]).intValue() : -1;
        if (count < 0) return s.replace(old, replacement);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int done = 0; done < count; done++) {
            int at = s.indexOf(old, from);
            if (at < 0) break;
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) { // Python inserts between characters
                if (from >= s.length()) return out.append(s.substring(from)).toString();
                out.append(s.charAt(from++));
            }
        }
        return out.append(s.substring(from)).toString();
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) return s.length() + 1;
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    private static String join(String s, String name, Object[] a) {
        if (a.length != 1 || !(a[0] instanceof Iterable<?> items)) {
            throw new ChatTemplateException("str." + name + "() takes one iterable argument");
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!first) out.append(s);
            out.append(item);
            first = false;
        }
        return out.toString();
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
