package dev.jllm.rag.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * .html files through jsoup: the charset from the page (UTF-8 when it names none); scripts, styles, navigation,
 * headers, footers, asides and forms removed; the {@code <main>} or {@code <article>} element when the page has one.
 * The text keeps the page's structure: blocks become paragraphs and headings become markdown headings, so the
 * markdown chunker can follow them.
 */
public final class HtmlReader implements DocumentReader {
    private static final String BOILERPLATE = "script, style, noscript, template, nav, header, footer, aside, form, iframe, "
            + "svg, button, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true], [hidden]";
    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "main", "ul", "ol", "table",
            "tr", "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "address", "hr", "body");

    @Override
    public String type() {
        return "html";
    }

    @Override
    public Document read(String name, byte[] bytes) throws DocumentException {
        org.jsoup.nodes.Document page;
        try {
            page = Jsoup.parse(new ByteArrayInputStream(bytes), null, "");
        } catch (IOException e) {
            throw new DocumentException(name, "cannot parse HTML: " + e.getMessage(), e);
        }
        String title = page.title().strip();
        page.select(BOILERPLATE).remove();
        Element root = page.selectFirst("main");
        if (root == null) root = page.selectFirst("article");
        if (root == null) root = page.body();
        String text = root == null ? "" : text(root);
        return new Document(name, title.isEmpty() ? PlainTextReader.fileName(name) : title,
                List.of(new Document.Section(text, Map.of())), Map.of("type", type()));
    }

    /** The element's visible text with blank lines between blocks and markdown markers on headings and items. */
    static String text(Element root) {
        StringBuilder out = new StringBuilder();
        root.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    String s = t.text();
                    if (inPre(t)) out.append(t.getWholeText());
                    else if (!s.isBlank()) {
                        if (!out.isEmpty() && !Character.isWhitespace(out.charAt(out.length() - 1)) && Character.isWhitespace(s.charAt(0))) out.append(' ');
                        out.append(s.strip());
                        if (Character.isWhitespace(s.charAt(s.length() - 1))) out.append(' ');
                    }
                } else if (node instanceof Element e) {
                    String tag = e.normalName();
                    if (tag.matches("h[1-6]")) {
                        paragraph(out);
                        out.append("#".repeat(tag.charAt(1) - '0')).append(' ');
                    } else if (tag.equals("li")) {
                        newline(out);
                        out.append("- ");
                    } else if (tag.equals("br")) {
                        newline(out);
                    } else if (BLOCKS.contains(tag)) {
                        paragraph(out);
                    } else if (tag.equals("td") || tag.equals("th")) {
                        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append(" | ");
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (!(node instanceof Element e)) return;
                if (e.normalName().matches("h[1-6]") || BLOCKS.contains(e.normalName())) paragraph(out);
                else if (e.normalName().equals("li")) newline(out);
            }
        });
        return out.toString().replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    private static boolean inPre(TextNode t) {
        for (Node n = t.parent(); n != null; n = n.parent()) if (n instanceof Element e && e.normalName().equals("pre")) return true;
        return false;
    }

    private static void newline(StringBuilder out) {
        trimTrailingSpaces(out);
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append('\n');
    }

    private static void paragraph(StringBuilder out) {
        trimTrailingSpaces(out);
        if (out.isEmpty()) return;
        if (out.charAt(out.length() - 1) != '\n') out.append('\n');
        if (out.length() < 2 || out.charAt(out.length() - 2) != '\n') out.append('\n');
    }

    private static void trimTrailingSpaces(StringBuilder out) {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') out.setLength(out.length() - 1);
    }
}
