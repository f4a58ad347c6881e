-- A person's one name for labels kept as sent that mean the same (outcomes, hospitals, free
-- categories written differently by each body): decided once, for every body that wrote them.
CREATE TABLE table_label_names (
    campaign_id  VARCHAR NOT NULL,
    question_key VARCHAR NOT NULL,
    dimension    VARCHAR NOT NULL,        -- '' for the categories, else the breakdown
    label        VARCHAR NOT NULL,        -- as sent, exactly
    name         VARCHAR NOT NULL,
    author       VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (campaign_id, question_key, dimension, label)
);
