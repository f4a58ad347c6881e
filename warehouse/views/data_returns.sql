-- Data returns: the figures of the tables authorities sent for `table` questions.

-- One row per figure an authority sent, repeats included (filter NOT repeat to count once).
-- dimension is '' for the question's categories, else the further breakdown the table is by
-- (outcome, hospital); category_level the level of a hierarchy the label matched at; unit
-- the unit a quantity was written with in its cell ('' for a count); category_name the name a
-- person gave a label kept as sent (`foi tables name`), else the code's label, else as sent:
-- what to group by across bodies.
CREATE VIEW v_table_answers AS
SELECT r.reference, r.campaign_id, r.authority_id, a.name AS authority_name,
       t.question_key, q.number AS question_number, t.period, t.dimension, t.category_code,
       t.category_level, c.label AS category_label, t.category_as_sent,
       coalesce(n.name, c.label, t.category_as_sent) AS category_name, t.match, t.value,
       t.unit, t.value_as_sent,
       t.suppressed, t.repeat, t.filename, t.sheet, t.cell, t.layout, t.document_id
FROM table_answers t
JOIN requests r ON r.reference = t.request_reference
JOIN authorities a ON a.id = r.authority_id
JOIN questions q ON q.campaign_id = r.campaign_id AND q.key = t.question_key
LEFT JOIN code_lists c ON c.campaign_id = r.campaign_id AND c.question_key = t.question_key
                      AND c.code = t.category_code
LEFT JOIN table_label_names n ON n.campaign_id = r.campaign_id
                             AND n.question_key = t.question_key
                             AND n.dimension = t.dimension AND n.label = t.category_as_sent;

-- Per request and table question: what was sent, and what waits for a person. Unmatched
-- means a label with no code that no person mapped (a label a person called the authority's
-- own category is decided, and counted apart as labels_own); a row without a code in a table
-- that codes its other rows ('own') still waits.
CREATE VIEW v_table_coverage AS
WITH f AS (
    SELECT request_reference, question_key,
           min(period) AS first_period, max(period) AS last_period,
           count(DISTINCT period) AS periods, count(*) AS figures,
           count(DISTINCT category_code) AS categories_matched,
           count(DISTINCT category_as_sent) FILTER (WHERE category_code IS NULL
                                                    AND match NOT IN ('mapping', 'free'))
               AS labels_unmatched,
           count(DISTINCT category_as_sent) FILTER (WHERE category_code IS NULL
                                                    AND match = 'mapping')
               AS labels_own,
           count(*) FILTER (WHERE suppressed) AS suppressed
    FROM table_answers WHERE NOT repeat GROUP BY ALL),
tt AS (
    SELECT request_reference, question_key, count(*) AS totals,
           count(*) FILTER (WHERE adds_up = false) AS totals_not_adding_up
    FROM table_totals GROUP BY ALL)
SELECT r.reference, r.campaign_id, a.name AS authority_name, q.key AS question_key,
       q.number AS question_number, f.first_period, f.last_period,
       coalesce(f.periods, 0) AS periods, coalesce(f.figures, 0) AS figures,
       coalesce(f.categories_matched, 0) AS categories_matched,
       coalesce(f.labels_unmatched, 0) AS labels_unmatched,
       coalesce(f.labels_own, 0) AS labels_own,
       coalesce(f.suppressed, 0) AS suppressed, coalesce(tt.totals, 0) AS totals,
       coalesce(tt.totals_not_adding_up, 0) AS totals_not_adding_up,
       coalesce(f.figures, 0) > 0 AND coalesce(f.labels_unmatched, 0) = 0
           AND coalesce(tt.totals_not_adding_up, 0) = 0 AS complete
FROM requests r
JOIN authorities a ON a.id = r.authority_id
JOIN questions q ON q.campaign_id = r.campaign_id AND q.type = 'table'
LEFT JOIN f ON f.request_reference = r.reference AND f.question_key = q.key
LEFT JOIN tt ON tt.request_reference = r.reference AND tt.question_key = q.key;

-- One row per record of a listing a body sent (a crime, a seizure), its fields as sent (JSON:
-- fields->>'Crime Type'); the figures read from it are counted in v_table_answers.
CREATE VIEW v_table_records AS
SELECT r.reference, r.campaign_id, r.authority_id, a.name AS authority_name,
       t.question_key, t.period, t.fields, t.filename, t.sheet, t.cell, t.document_id
FROM table_records t
JOIN requests r ON r.reference = t.request_reference
JOIN authorities a ON a.id = r.authority_id;
