package dev.jllm.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadersTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void textIsStrictUtf8AndSaysWhereItBreaks() throws Exception {
        Document d = new PlainTextReader().read("/docs/notes.txt", utf8("\uFEFFCafé ☕ notes"));
        assertThat(d.title()).isEqualTo("notes.txt");
        assertThat(d.sections().getFirst().text()).isEqualTo("Café ☕ notes");
        assertThat(d.metadata()).isEqualTo(Map.of("type", "txt"));
        byte[] latin1 = "naïve".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> new PlainTextReader().read("/docs/latin1.txt", latin1))
                .isInstanceOf(DocumentException.class)
                .hasMessage("/docs/latin1.txt: invalid UTF-8 at byte 2 (0xef); save it as UTF-8");
        byte[] truncated = Arrays.copyOf(utf8("ok €"), 5);
        assertThatThrownBy(() -> new PlainTextReader().read("t.txt", truncated)).hasMessageStartingWith("t.txt: invalid UTF-8 at byte 3");
    }

    @Test
    void markdownTakesItsFirstTopHeadingAsTitle() throws Exception {
        Document d = new MarkdownReader().read("/d/guide.md", utf8("Intro\n\n# The Guide #\n\n## Part\ntext\n"));
        assertThat(d.title()).isEqualTo("The Guide");
        assertThat(d.sections().getFirst().text()).startsWith("Intro\n\n# The Guide");
        assertThat(new MarkdownReader().read("/d/plain.md", utf8("no headings")).title()).isEqualTo("plain.md");
    }

    @Test
    void htmlLosesItsBoilerplateAndKeepsItsStructure() throws Exception {
        String page = """
                <html><head><title> Lucene notes </title><style>p {color: red}</style><script>var x = "hidden";</script></head>
                <body><header>Site header</header><nav><a href="/">Home</a> | <a href="/x">Other</a></nav>
                <main><h1>Indexing</h1><p>Lucene   builds an <b>inverted</b> index.</p>
                <h2>Vectors</h2><ul><li>HNSW graphs</li><li>dot product</li></ul><p>Line one<br>line two</p></main>
                <aside>Related posts</aside><footer>© 2026</footer></body></html>""";
        Document d = new HtmlReader().read("/d/page.html", utf8(page));
        assertThat(d.title()).isEqualTo("Lucene notes");
        assertThat(d.sections().getFirst().text()).isEqualTo(
                "# Indexing\n\nLucene builds an inverted index.\n\n## Vectors\n\n- HNSW graphs\n- dot product\n\nLine one\nline two");
        assertThat(d.metadata()).isEqualTo(Map.of("type", "html"));
    }

    @Test
    void htmlFollowsTheCharsetThePageDeclares() throws Exception {
        byte[] cp1252 = "<html><head><meta charset=\"windows-1252\"><title>Résumé</title></head><body><p>Café</p></body></html>"
                .getBytes(Charset.forName("windows-1252"));
        Document d = new HtmlReader().read("old.html", cp1252);
        assertThat(d.title()).isEqualTo("Résumé");
        assertThat(d.sections().getFirst().text()).isEqualTo("Café");
    }

    @Test
    void pdfPagesKeepTheirNumbers() throws Exception {
        byte[] pdf = Pdfs.pages("Solar Report", "Panels convert sunlight.", "", "Inverters convert current.");
        Document d = new PdfReader().read("/d/report.pdf", pdf);
        assertThat(d.title()).isEqualTo("Solar Report");
        assertThat(d.sections()).extracting(Document.Section::text).containsExactly("Panels convert sunlight.", "Inverters convert current.");
        assertThat(d.sections()).extracting(Document.Section::metadata).containsExactly(Map.of("page", "1"), Map.of("page", "3"));
    }

    @Test
    void brokenEncryptedAndTextlessPdfsAreNamedWithTheProblem() throws Exception {
        byte[] pdf = Pdfs.pages(null, "Some text on a page.");
        byte[] truncated = Arrays.copyOf(pdf, 40);
        assertThatThrownBy(() -> new PdfReader().read("/d/broken.pdf", truncated)).isInstanceOf(DocumentException.class)
                .hasMessageStartingWith("/d/broken.pdf: not a readable PDF (");
        assertThatThrownBy(() -> new PdfReader().read("/d/garbage.pdf", utf8("%PDF-1.7 this is not a pdf")))
                .hasMessageStartingWith("/d/garbage.pdf: not a readable PDF (");
        assertThatThrownBy(() -> new PdfReader().read("/d/locked.pdf", Pdfs.encrypted(null, "user-secret", "Secret.")))
                .hasMessage("/d/locked.pdf: the PDF is encrypted with a password");
        assertThatThrownBy(() -> new PdfReader().read("/d/scan.pdf", Pdfs.pages(null, "", "")))
                .hasMessage("/d/scan.pdf: no extractable text in 2 page(s) (a scanned PDF needs OCR first)");
        assertThat(new PdfReader().read("/d/untitled.pdf", pdf).title()).isEqualTo("untitled.pdf");
    }

    @Test
    void beirRecordsNeedAnIdAndText() throws Exception {
        Document d = BeirRecord.parse("c.jsonl", 1, "{\"_id\": \"4983\", \"title\": \"Brains\", \"text\": \"White matter.\", \"metadata\": {}}");
        assertThat(d.id()).isEqualTo("4983");
        assertThat(d.title()).isEqualTo("Brains");
        assertThat(d.sections().getFirst().text()).isEqualTo("White matter.");
        assertThat(BeirRecord.parse("c.jsonl", 2, "{\"_id\": 7, \"text\": \"numeric id\"}").id()).isEqualTo("7");
        assertThatThrownBy(() -> BeirRecord.parse("c.jsonl", 3, "{\"title\": \"t\", \"text\": \"x\"}"))
                .hasMessage("c.jsonl line 3: has no \"_id\" (BEIR corpus lines are {\"_id\", \"title\", \"text\"})");
        assertThatThrownBy(() -> BeirRecord.parse("c.jsonl", 4, "{\"_id\": \"1\", \"text\": \"x\"")).hasMessageStartingWith("c.jsonl line 4: not JSON (");
        assertThatThrownBy(() -> BeirRecord.parse("c.jsonl", 5, "[1, 2]")).hasMessage("c.jsonl line 5: not a JSON object");
        assertThatThrownBy(() -> BeirRecord.parse("c.jsonl", 6, "{\"_id\": \"1\", \"text\": \" \"}")).hasMessage("c.jsonl line 6: has an empty \"text\" and no title");
    }
}
