-- Registries: what NHS ODS and WhatDoTheyKnow say of each authority (open and closed dates,
-- successors, short names, tags), and every FOI address with where and when it was learnt.

-- One row per authority per registry, replaced on each import.
CREATE TABLE authority_records (
    authority_id VARCHAR NOT NULL,            -- authorities.id
    registry     VARCHAR NOT NULL,            -- ods | wdtk
    code         VARCHAR NOT NULL,            -- the registry's own key: ODS code, WDTK url_name
    name         VARCHAR NOT NULL,            -- as the registry writes it
    short_name   VARCHAR,
    roles        VARCHAR[] NOT NULL DEFAULT [],   -- ODS role ids asked for (RO98 ...)
    opened_on    DATE,                        -- ODS: operational start of that role
    closed_on    DATE,                        -- ODS: operational end; NULL while open
    successors   VARCHAR[] NOT NULL DEFAULT [],   -- ODS codes that took over
    tags         VARCHAR[] NOT NULL DEFAULT [],   -- WDTK tags
    url          VARCHAR,                     -- where the record was read
    fetched_at   TIMESTAMPTZ NOT NULL,        -- when the registry said so
    PRIMARY KEY (authority_id, registry)
);

-- Every address an authority has had, with its source (file, registry, a person) and date.
CREATE TABLE authority_addresses (
    authority_id VARCHAR NOT NULL,
    email        VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    noted_on     DATE NOT NULL,               -- first given
    last_seen_on DATE NOT NULL,               -- last given again
    PRIMARY KEY (authority_id, email)
);

INSERT INTO authority_addresses
SELECT id, email, coalesce(source, 'unknown'), updated_at::DATE, updated_at::DATE
FROM authorities WHERE email <> '';
