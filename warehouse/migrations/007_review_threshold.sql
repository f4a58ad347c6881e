-- Each answer records the review threshold that applied when it was read: the calibrated one
-- shipped with the reader (extract/calibration.json), or [extract] review_below in foi.toml.
-- An answer needs review (v_answers.needs_review) when its confidence is below its own
-- threshold, or when it is unclear or answered without a value.
ALTER TABLE answers ADD COLUMN review_below DOUBLE;
