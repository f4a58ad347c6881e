-- Why the reader is unsure, what each request's answers were read from, and people's checks.
-- Answer statuses now also include partly, suppressed and unclear.

ALTER TABLE answers ADD COLUMN reason VARCHAR;    -- why this confidence: the rule, what competed
ALTER TABLE answers ADD COLUMN detail VARCHAR;    -- a total's breakdown, why not held ...

-- One row per extracted request: which reader and which documents its answers came from.
-- `inputs` fingerprints the reader version, the campaign's questions and the reply documents
-- read (message, part, document, when read): `foi extract` re-reads a request only when it
-- changes.
CREATE TABLE extractions (
    request_reference VARCHAR PRIMARY KEY,
    reader_version    VARCHAR NOT NULL,
    documents         VARCHAR[] NOT NULL,   -- documents.id, in the order they were read
    inputs            VARCHAR NOT NULL,
    extracted_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- A correction may name the FOIA sections (e.g. a refusal under s12); NULL keeps the read ones.
ALTER TABLE overrides ADD COLUMN sections VARCHAR[];

-- A person found an extracted answer right. It holds for that status and value only: if a
-- later reading gives something else, the answer is back in the review queue.
CREATE SEQUENCE answer_check_ids;
CREATE TABLE answer_checks (
    id                BIGINT PRIMARY KEY DEFAULT nextval('answer_check_ids'),
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    value             VARCHAR,
    note              VARCHAR,
    author            VARCHAR,
    checked_at        TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
