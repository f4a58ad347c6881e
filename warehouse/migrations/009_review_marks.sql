-- The review desk's own marks: an answer a person put aside for later ("skip"). Kept in the
-- warehouse so the desk's queue and progress survive a restart; the desk writes nothing else
-- but overrides and answer_checks.
CREATE SEQUENCE review_mark_ids;
CREATE TABLE review_marks (
    id                BIGINT PRIMARY KEY DEFAULT nextval('review_mark_ids'),
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    mark              VARCHAR NOT NULL CHECK (mark IN ('skipped')),
    author            VARCHAR,
    marked_at         TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
