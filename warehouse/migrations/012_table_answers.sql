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
