-- Data returns: every figure of every table an authority sent for a `table` question, tidy,
-- each traceable to its file, sheet and cell (or PDF page, table, row and column).

-- The code list of each table question, stored when the campaign is added.
CREATE TABLE code_lists (
    campaign_id  VARCHAR NOT NULL,
    question_key VARCHAR NOT NULL,
    code         VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    PRIMARY KEY (campaign_id, question_key, code)
);

CREATE TABLE table_answers (
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    period            VARCHAR NOT NULL,   -- YYYY-MM, or YYYY for a yearly figure
    category_code     VARCHAR,            -- NULL: not matched to the code list (yet)
    category_as_sent  VARCHAR NOT NULL,
    match             VARCHAR NOT NULL,   -- file, mapping, label, prefix, fuzzy, own, none
    value             DOUBLE,             -- NULL when suppressed
    value_as_sent     VARCHAR NOT NULL,
    suppressed        BOOLEAN NOT NULL,
    repeat            BOOLEAN NOT NULL,   -- the same figure sent again in another file or sheet
    document_id       VARCHAR NOT NULL,
    filename          VARCHAR NOT NULL,
    sheet             VARCHAR NOT NULL,
    cell              VARCHAR NOT NULL,
    layout            VARCHAR NOT NULL    -- wide, down, long
);

-- Totals the authority wrote, checked against the sum of their parts; never categories.
CREATE TABLE table_totals (
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    period            VARCHAR NOT NULL,
    label_as_sent     VARCHAR NOT NULL,
    value             DOUBLE,
    parts             DOUBLE NOT NULL,
    suppressed_parts  INTEGER NOT NULL,
    adds_up           BOOLEAN,            -- NULL: suppressed parts hide it
    document_id       VARCHAR NOT NULL,
    filename          VARCHAR NOT NULL,
    sheet             VARCHAR NOT NULL,
    cell              VARCHAR NOT NULL
);

-- Layouts that could not be read, tables that name no question.
CREATE TABLE table_problems (
    request_reference VARCHAR NOT NULL,
    document_id       VARCHAR NOT NULL,
    filename          VARCHAR NOT NULL,
    sheet             VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,   -- unreadable, no_question
    detail            VARCHAR NOT NULL
);

-- A person's corrections, reused for every authority of the campaign that wrote the same.
CREATE TABLE table_label_mappings (
    campaign_id  VARCHAR NOT NULL,
    question_key VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,        -- as the person typed it; matched by its words
    code         VARCHAR,                 -- NULL: the authority's own category, not a code
    author       VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (campaign_id, question_key, label)
);

CREATE TABLE table_sheet_questions (
    campaign_id  VARCHAR NOT NULL,
    grid         VARCHAR NOT NULL,        -- 'file' or 'file#sheet'
    question_key VARCHAR NOT NULL,
    author       VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (campaign_id, grid)
);

-- One row per figure an authority sent, repeats included (filter NOT repeat to count once).
CREATE VIEW v_table_answers AS
SELECT r.reference, r.campaign_id, r.authority_id, a.name AS authority_name,
       t.question_key, q.number AS question_number, t.period, t.category_code,
       c.label AS category_label, t.category_as_sent, t.match, t.value, t.value_as_sent,
       t.suppressed, t.repeat, t.filename, t.sheet, t.cell, t.layout, t.document_id
FROM table_answers t
JOIN requests r ON r.reference = t.request_reference
JOIN authorities a ON a.id = r.authority_id
JOIN questions q ON q.campaign_id = r.campaign_id AND q.key = t.question_key
LEFT JOIN code_lists c ON c.campaign_id = r.campaign_id AND c.question_key = t.question_key
                      AND c.code = t.category_code;

-- Per request and table question: what was sent, and what waits for a person.
CREATE VIEW v_table_coverage AS
WITH f AS (
    SELECT request_reference, question_key,
           min(period) AS first_period, max(period) AS last_period,
           count(DISTINCT period) AS periods, count(*) AS figures,
           count(DISTINCT category_code) AS categories_matched,
           count(DISTINCT category_as_sent) FILTER (WHERE category_code IS NULL)
               AS labels_unmatched,
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
       coalesce(f.suppressed, 0) AS suppressed, coalesce(tt.totals, 0) AS totals,
       coalesce(tt.totals_not_adding_up, 0) AS totals_not_adding_up,
       coalesce(f.figures, 0) > 0 AND coalesce(f.labels_unmatched, 0) = 0
           AND coalesce(tt.totals_not_adding_up, 0) = 0 AS complete
FROM requests r
JOIN authorities a ON a.id = r.authority_id
JOIN questions q ON q.campaign_id = r.campaign_id AND q.type = 'table'
LEFT JOIN f ON f.request_reference = r.reference AND f.question_key = q.key
LEFT JOIN tt ON tt.request_reference = r.reference AND tt.question_key = q.key;
