-- The core tables. Keys are text that people can read: authority ids, request references.

CREATE TABLE authorities (
    id          VARCHAR PRIMARY KEY,   -- ODS code or a slug
    name        VARCHAR NOT NULL,
    email       VARCHAR NOT NULL,      -- FOI address
    nation      VARCHAR,               -- england | wales | scotland | northern-ireland
    kind        VARCHAR,               -- e.g. ccg, trust, council
    tags        VARCHAR[] NOT NULL DEFAULT [],
    source      VARCHAR,               -- file or registry it came from
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE campaigns (
    id                    VARCHAR PRIMARY KEY,
    title                 VARCHAR NOT NULL,
    reference_prefix      VARCHAR NOT NULL UNIQUE,
    regime                VARCHAR NOT NULL,   -- foia | eir | foisa
    authority_noun        VARCHAR NOT NULL,
    authority_noun_plural VARCHAR NOT NULL,
    sender_name           VARCHAR NOT NULL,
    sender_email          VARCHAR NOT NULL,
    definition            VARCHAR NOT NULL,   -- the campaign file as added (TOML)
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE questions (
    campaign_id VARCHAR NOT NULL,
    number      INTEGER NOT NULL,             -- position in the letter, 1-based
    key         VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,             -- yes_no | count | number | money | date | choice | document | text
    choices     VARCHAR[] NOT NULL DEFAULT [],
    only_if     VARCHAR,                      -- key of the yes_no question it depends on
    yes_means   VARCHAR,                      -- what a yes says of an authority, for sentences
    PRIMARY KEY (campaign_id, key)
);

CREATE TABLE requests (
    reference    VARCHAR PRIMARY KEY,         -- e.g. QOF16-00C
    campaign_id  VARCHAR NOT NULL,
    authority_id VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,            -- sending | awaiting_response | successful | ...
    to_addr      VARCHAR,
    message_id   VARCHAR,                     -- Message-ID of the letter, fixed before sending
    sent_at      TIMESTAMPTZ,
    sent_on      DATE,                        -- day 0 of the statutory clock
    channel      VARCHAR NOT NULL DEFAULT 'email',
    url          VARCHAR,
    error        VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (campaign_id, authority_id)
);

CREATE TABLE messages (
    id                VARCHAR PRIMARY KEY,    -- sha256 of the raw bytes
    direction         VARCHAR NOT NULL,       -- outgoing | incoming
    request_reference VARCHAR,                -- NULL: waiting in the holding pen
    kind              VARCHAR NOT NULL,       -- letter | reply | auto_reply | bounce
    match_method      VARCHAR,                -- in_reply_to | reference_subject | reference_body | ...
    message_id        VARCHAR,                -- the Message-ID header
    in_reply_to       VARCHAR,
    subject           VARCHAR,
    from_addr         VARCHAR,
    to_addr           VARCHAR,
    dated             TIMESTAMPTZ,            -- the Date header
    received_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    body_text         VARCHAR,
    raw_path          VARCHAR NOT NULL,       -- under store/, by sha256
    size              BIGINT NOT NULL,
    source            VARCHAR,                -- where it came from (file path, mailbox)
    problems          VARCHAR[] NOT NULL DEFAULT []   -- what could not be decoded
);

CREATE TABLE documents (
    id          VARCHAR PRIMARY KEY,          -- sha256 of the bytes
    media_type  VARCHAR,
    kind        VARCHAR,                      -- pdf | docx | xlsx | ...
    size        BIGINT NOT NULL,
    store_path  VARCHAR NOT NULL,
    status      VARCHAR NOT NULL DEFAULT 'pending',   -- pending | ok | needs_ocr | unsupported | error
    error       VARCHAR,
    page_count  INTEGER,
    read_at     TIMESTAMPTZ
);

CREATE TABLE message_documents (
    message_id  VARCHAR NOT NULL,             -- messages.id
    part        INTEGER NOT NULL,             -- 0 is the message body
    document_id VARCHAR NOT NULL,
    filename    VARCHAR,
    PRIMARY KEY (message_id, part)
);

CREATE TABLE document_pages (
    document_id VARCHAR NOT NULL,
    page        INTEGER NOT NULL,             -- 1-based
    text        VARCHAR NOT NULL,
    PRIMARY KEY (document_id, page)
);

CREATE TABLE answers (
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,       -- answered | not_held | refused | not_applicable | unanswered
    value             VARCHAR,                -- normalised: yes/no, decimal, ISO date, text
    confidence        DOUBLE NOT NULL,
    document_id       VARCHAR,
    page              INTEGER,
    snippet           VARCHAR,
    method            VARCHAR,
    sections          VARCHAR[] NOT NULL DEFAULT [],
    extracted_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (request_reference, question_key)
);

CREATE SEQUENCE override_ids;
CREATE TABLE overrides (
    id                BIGINT PRIMARY KEY DEFAULT nextval('override_ids'),
    request_reference VARCHAR NOT NULL,
    question_key      VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    value             VARCHAR,
    reason            VARCHAR,
    author            VARCHAR,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE event_ids;
CREATE TABLE events (
    id                BIGINT PRIMARY KEY DEFAULT nextval('event_ids'),
    request_reference VARCHAR NOT NULL,
    happened_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    kind              VARCHAR NOT NULL,       -- sent | acknowledged | responded | refused | chased ...
    detail            VARCHAR,
    message_id        VARCHAR                 -- messages.id it came from, if any
);

CREATE SEQUENCE problem_ids;
CREATE TABLE problems (
    id      BIGINT PRIMARY KEY DEFAULT nextval('problem_ids'),
    noted_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    stage   VARCHAR NOT NULL,                 -- import | send | ingest | extract | report
    item    VARCHAR NOT NULL,                 -- the file, message or document concerned
    reason  VARCHAR NOT NULL
);
