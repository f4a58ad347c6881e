-- What each incoming message is (messages.kind: reply | auto_reply | bounce | delivery_delay |
-- acknowledgement | clarification | extension | fee_notice), why, and who said so: a person's
-- word (`foi classify`) wins over the reading and is never read again.

ALTER TABLE messages ADD COLUMN kind_evidence VARCHAR;     -- header, report field or words that decided
ALTER TABLE messages ADD COLUMN kind_set_by VARCHAR;       -- NULL: read by foitrack; else who set it
ALTER TABLE messages ADD COLUMN case_reference VARCHAR;    -- the authority's own reference, as given
ALTER TABLE messages ADD COLUMN until_on DATE;             -- an extension notice's new due date
ALTER TABLE requests ADD COLUMN authority_reference VARCHAR;  -- the authority's own case reference
