package dev.jllm.rag.document;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/** .pdf files through PDFBox: one section per page, with its 1-based {@code page} number; the title from the PDF's info. */
public final class PdfReader implements DocumentReader {
    @Override
    public String type() {
        return "pdf";
    }

    @Override
    public Document read(String name, byte[] bytes) throws DocumentException {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<Document.Section> pages = new ArrayList<>();
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(pdf).strip();
                if (!text.isEmpty()) pages.add(new Document.Section(text, Map.of("page", Integer.toString(page))));
            }
            if (pages.isEmpty()) {
                throw new DocumentException(name, "no extractable text in " + pdf.getNumberOfPages()
                        + " page(s) (a scanned PDF needs OCR first)");
            }
            String title = pdf.getDocumentInformation() != null ? pdf.getDocumentInformation().getTitle() : null;
            return new Document(name, title == null || title.isBlank() ? PlainTextReader.fileName(name) : title.strip(),
                    pages, Map.of("type", type()));
        } catch (InvalidPasswordException e) {
            throw new DocumentException(name, "the PDF is encrypted with a password", e);
        } catch (IOException e) {
            throw new DocumentException(name, "not a readable PDF (" + e.getMessage() + ")", e);
        }
    }
}
