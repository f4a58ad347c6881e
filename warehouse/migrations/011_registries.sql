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

-- One row per authority: the registry, its address with source and date, and what the
-- registries say. An empty email means no address is known.
CREATE VIEW v_authorities AS
SELECT
    a.id,
    a.name,
    nullif(a.email, '')                                   AS email,
    ad.source                                             AS email_source,
    ad.noted_on                                           AS email_noted_on,
    CASE WHEN a.email = '' THEN 'none'
         WHEN lower(a.email) LIKE '%.example' OR lower(a.email) LIKE '%.invalid' THEN 'placeholder'
         ELSE 'given' END                                 AS address,
    a.nation,
    a.kind,
    a.tags,
    a.source,
    o.code                                                AS ods_code,
    o.opened_on,
    o.closed_on,
    o.closed_on IS NULL                                   AS open,
    o.successors,
    o.fetched_at                                          AS ods_fetched_at,
    w.code                                                AS wdtk_url_name,
    w.short_name                                          AS wdtk_short_name,
    w.tags                                                AS wdtk_tags,
    w.fetched_at                                          AS wdtk_fetched_at
FROM authorities a
LEFT JOIN authority_addresses ad ON ad.authority_id = a.id AND ad.email = a.email
LEFT JOIN authority_records o ON o.authority_id = a.id AND o.registry = 'ods'
LEFT JOIN authority_records w ON w.authority_id = a.id AND w.registry = 'wdtk';
