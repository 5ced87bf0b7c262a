-- 0040: the e-mail a VOC case came from (issue 16): its attachments listed (names, types, sizes as JSON; the bytes are not
-- kept), the charset its text was read in, whether the text came from HTML, and the text's original length when it was over
-- the intake's limit and kept cut. One row per case opened from a mail.
CREATE TABLE "voc_case_mail" (
    "case_id" INTEGER NOT NULL CONSTRAINT "pk_voc_case_mail" PRIMARY KEY,
    "original_text_length" INTEGER NULL,
    "charset" TEXT NOT NULL,
    "body_was_html" INTEGER NOT NULL,
    "attachment_count" INTEGER NOT NULL,
    "attachments" TEXT NOT NULL
);
