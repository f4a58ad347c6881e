-- Authorities as the registries and the people who gave their addresses describe them.

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
