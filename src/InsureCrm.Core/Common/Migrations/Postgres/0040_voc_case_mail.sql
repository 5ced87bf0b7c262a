-- 0040: the e-mail a VOC case came from (issue 16): its attachments listed (names, types, sizes as JSON; the bytes are not
-- kept), the charset its text was read in, whether the text came from HTML, and the text's original length when it was over
-- the intake's limit and kept cut. One row per case opened from a mail.
CREATE TABLE voc_case_mail (
    case_id bigint NOT NULL,
    original_text_length integer,
    charset character varying(40) NOT NULL,
    body_was_html boolean NOT NULL,
    attachment_count integer NOT NULL,
    attachments character varying(20000) NOT NULL,
    CONSTRAINT pk_voc_case_mail PRIMARY KEY (case_id)
);
