-- Answers as published: what was read, and what people corrected or checked.

-- One row per (request, question) that has an answer or an override; an override always wins.
-- An answer needs review when its confidence is below the threshold it was read with
-- (answers.review_below: the reader's calibrated one, or [extract] review_below in foi.toml),
-- or when it is unclear or answered without a value, unless a person corrected or checked it.
CREATE VIEW v_answers AS
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
    -- the figure's unit: as the answer gave it, else as the question asked (a person's
    -- correction is in the unit asked)
    CASE WHEN o.id IS NOT NULL THEN q.unit ELSE coalesce(a.unit, q.unit) END AS unit,
    q.unit                                               AS asked_unit,
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

-- One row per (campaign, question): the counts behind every published sentence.
-- `asked` is the denominator: requests that responded, and for a question with only_if,
-- only those whose answer to that question is yes.
CREATE VIEW v_campaign_summary AS
WITH sent AS (
    SELECT campaign_id,
           count(*) FILTER (WHERE status NOT IN ('sending', 'error_message')) AS requests_sent,
           count(*) FILTER (WHERE status IN ('successful', 'partially_successful', 'refused',
                                             'not_held', 'internal_review')) AS responded
    FROM requests GROUP BY campaign_id
), asked AS (
    SELECT q.campaign_id, q.key AS question_key, r.reference, a.status, a.value,
           a.value_number, a.needs_review,
           -- a figure in the unit asked, or one that stands for it (a headcount where FTE or
           -- posts were asked): only those are summed
           (a.asked_unit IS NULL OR a.unit IS NULL OR a.unit = a.asked_unit
            OR (a.unit IN ('people', 'posts') AND a.asked_unit IN ('people', 'posts', 'fte')))
                                                               AS in_unit
    FROM questions q
    JOIN requests r ON r.campaign_id = q.campaign_id
    LEFT JOIN v_answers a ON a.request_reference = r.reference AND a.question_key = q.key
    LEFT JOIN v_answers c ON c.request_reference = r.reference AND c.question_key = q.only_if
    WHERE r.status IN ('successful', 'partially_successful', 'refused', 'not_held',
                       'internal_review')
      AND (q.only_if IS NULL OR (c.status = 'answered' AND c.value = 'yes'))
)
SELECT
    q.campaign_id,
    q.number                                                   AS question_number,
    q.key                                                      AS question_key,
    q.text                                                     AS question_text,
    q.type                                                     AS question_type,
    q.only_if,
    q.yes_means,
    coalesce(s.requests_sent, 0)                               AS requests_sent,
    coalesce(s.responded, 0)                                   AS responded,
    count(a.reference)                                         AS asked,
    count(*) FILTER (WHERE a.status = 'answered')              AS answered,
    count(*) FILTER (WHERE a.status = 'answered' AND a.value = 'yes') AS yes,
    count(*) FILTER (WHERE a.status = 'answered' AND a.value = 'no')  AS no,
    count(*) FILTER (WHERE a.status = 'not_held')              AS not_held,
    count(*) FILTER (WHERE a.status = 'refused')               AS refused,
    count(*) FILTER (WHERE a.status = 'not_applicable')        AS not_applicable,
    count(*) FILTER (WHERE a.reference IS NOT NULL
                     AND coalesce(a.status, 'unanswered') = 'unanswered') AS unanswered,
    count(*) FILTER (WHERE a.needs_review)                     AS needs_review,
    sum(a.value_number) FILTER (WHERE a.status = 'answered' AND a.in_unit) AS total,
    median(a.value_number) FILTER (WHERE a.status = 'answered' AND a.in_unit) AS median,
    count(*) FILTER (WHERE a.status = 'answered' AND NOT a.in_unit) AS other_unit,
    count(*) FILTER (WHERE a.status = 'partly')                AS partly,
    count(*) FILTER (WHERE a.status = 'suppressed')            AS suppressed,
    count(*) FILTER (WHERE a.status = 'unclear')               AS unclear
FROM questions q
LEFT JOIN sent s ON s.campaign_id = q.campaign_id
LEFT JOIN asked a ON a.campaign_id = q.campaign_id AND a.question_key = q.key
GROUP BY ALL
ORDER BY q.campaign_id, q.number;
