-- The statutory clock: stored bank holidays (reproducible offline), a working-day index
-- for fast "days late" in SQL, each request's due dates, and chasers sent or drafted.

CREATE TABLE bank_holidays (
    day     DATE NOT NULL,
    nation  VARCHAR NOT NULL,          -- england-and-wales | scotland | northern-ireland
    name    VARCHAR NOT NULL,
    source  VARCHAR NOT NULL,          -- holidays-package | gov.uk
    PRIMARY KEY (day, nation)
);

-- n counts the regime's working days from 2000-01-01 up to and including `day`;
-- the working days between two dates is the difference of their n.
CREATE TABLE working_days (
    regime  VARCHAR NOT NULL,          -- foia (also EIR) | foisa
    day     DATE NOT NULL,
    working BOOLEAN NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (regime, day)
);

ALTER TABLE requests ADD COLUMN regime VARCHAR;           -- foia | eir | foisa
ALTER TABLE requests ADD COLUMN due_on DATE;               -- 20th working day (after events)
ALTER TABLE requests ADD COLUMN very_overdue_after DATE;   -- 40th (schools: 60th)
ALTER TABLE requests ADD COLUMN clock_stopped_since DATE;  -- clarification or fees pending
ALTER TABLE requests ADD COLUMN responded_on DATE;         -- final response received
ALTER TABLE requests ADD COLUMN sections VARCHAR[];        -- exemptions cited in a refusal
ALTER TABLE requests ADD COLUMN review_requested_on DATE;  -- internal review asked for

CREATE TABLE chases (
    request_reference VARCHAR NOT NULL,
    stage             VARCHAR NOT NULL,   -- first_chase | second_chase | internal_review | ico_complaint
    state             VARCHAR NOT NULL,   -- sending | sent | drafted | failed
    message_id        VARCHAR,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    sent_at           TIMESTAMPTZ,
    draft_path        VARCHAR,
    detail            VARCHAR,
    PRIMARY KEY (request_reference, stage)
);

ALTER TABLE requests ADD COLUMN review_due_on DATE;        -- internal review answer due
ALTER TABLE events ADD COLUMN until_on DATE;               -- an extension's new due date
