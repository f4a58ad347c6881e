-- Which pages were read by OCR (Tesseract) rather than from a text layer: their digits
-- deserve less trust ("1." can come out as "4.").
ALTER TABLE document_pages ADD COLUMN ocr BOOLEAN DEFAULT false;
