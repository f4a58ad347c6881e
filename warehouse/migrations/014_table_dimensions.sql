-- Table questions beyond one code list: a figure may be broken down by a further dimension
-- the campaign names (outcome, hospital), and a category of a hierarchy is matched at the
-- level the body reported (class, sub class, offence …).
ALTER TABLE table_answers ADD COLUMN dimension VARCHAR NOT NULL DEFAULT '';
ALTER TABLE table_answers ADD COLUMN category_level VARCHAR;
-- a quantity written with its unit in the cell ('1400 L', '98,000 cigarettes'): the unit
ALTER TABLE table_answers ADD COLUMN unit VARCHAR NOT NULL DEFAULT '';
-- a code list keeps the order of its file (a hierarchy's broadest level first)
ALTER TABLE code_lists ADD COLUMN position INTEGER;
-- what a total's parts are: the rows of its own table, or (a body's stated total per period)
-- every figure the reply gave for that period
ALTER TABLE table_totals ADD COLUMN parts_from VARCHAR NOT NULL DEFAULT 'table';

-- A listing of records (one row per crime, per seizure) kept one row per record, besides
-- the counts read from it: its fields as the body named them, as JSON text.
CREATE TABLE table_records (
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    period            VARCHAR NOT NULL,
    fields            VARCHAR NOT NULL,   -- JSON object: column name -> value as sent
    document_id       VARCHAR NOT NULL,
    filename          VARCHAR NOT NULL,
    sheet             VARCHAR NOT NULL,
    cell              VARCHAR NOT NULL    -- the record's row
);
