-- Each answer records the review threshold that applied when it was read: the calibrated one
-- shipped with the reader (extract/calibration.json), or [extract] review_below in foi.toml.
-- An answer needs review when its confidence is below its own threshold, or when it is
-- unclear or answered without a value.
ALTER TABLE answers ADD COLUMN review_below DOUBLE;

CREATE OR REPLACE VIEW v_answers AS
WITH latest_override AS (
    SELECT * FROM overrides
    QUALIFY row_number() OVER (
        PARTITION BY request_reference, question_key ORDER BY created_at DESC, id DESC) = 1
), filenames AS (
    SELECT document_id, min(filename) AS filename FROM message_documents GROUP BY document_id
)
SELECT
    r.campaign_id,
    r.reference                                          AS request_reference,
    r.authority_id,
    au.name                                              AS authority_name,
    q.number                                             AS question_number,
    q.key                                                AS question_key,
    q.type                                               AS question_type,
    coalesce(o.status, a.status)                         AS status,
    CASE WHEN o.id IS NOT NULL THEN o.value ELSE a.value END AS value,
    TRY_CAST(CASE WHEN o.id IS NOT NULL THEN o.value ELSE a.value END AS DOUBLE)
                                                         AS value_number,
    CASE WHEN o.id IS NOT NULL THEN 1.0 ELSE a.confidence END AS confidence,
    o.id IS NOT NULL                                     AS overridden,
    o.reason                                             AS override_reason,
    a.status                                             AS extracted_status,
    a.value                                              AS extracted_value,
    a.document_id,
    f.filename                                           AS document_filename,
    a.page,
    a.snippet,
    a.method,
    CASE WHEN o.sections IS NOT NULL THEN o.sections ELSE a.sections END AS sections,
    -- unclear, or answered without a value: however sure the reading, a person decides
    (o.id IS NULL AND c.id IS NULL AND (a.confidence < coalesce(a.review_below, 0.6)
        OR a.status = 'unclear' OR (a.status IN ('answered', 'partly') AND a.value IS NULL)))
                                                         AS needs_review,
    a.reason,
    a.detail,
    c.id IS NOT NULL                                     AS checked,
    c.author                                             AS checked_by,
    o.author                                             AS override_author,
    a.review_below
FROM requests r
JOIN questions q ON q.campaign_id = r.campaign_id
LEFT JOIN authorities au ON au.id = r.authority_id
LEFT JOIN answers a ON a.request_reference = r.reference AND a.question_key = q.key
LEFT JOIN latest_override o ON o.request_reference = r.reference AND o.question_key = q.key
LEFT JOIN filenames f ON f.document_id = a.document_id
LEFT JOIN (
    SELECT * FROM answer_checks
    QUALIFY row_number() OVER (
        PARTITION BY request_reference, question_key, status, value
        ORDER BY checked_at DESC, id DESC) = 1
) c ON c.request_reference = a.request_reference AND c.question_key = a.question_key
   AND c.status = a.status AND c.value IS NOT DISTINCT FROM a.value
WHERE a.request_reference IS NOT NULL OR o.id IS NOT NULL;
