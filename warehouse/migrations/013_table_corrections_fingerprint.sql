-- A person's corrections to data returns mark exactly the requests they change for reading
-- again: each figure keeps its label compared by its words (extract.tables.codes.normalise),
-- and so does each mapping, so the extraction fingerprint of a request can include the
-- mappings of the labels it sent (warehouse/extractions.py).
ALTER TABLE table_answers ADD COLUMN category_key VARCHAR;
ALTER TABLE table_label_mappings ADD COLUMN label_key VARCHAR;
