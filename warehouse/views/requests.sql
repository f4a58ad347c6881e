-- Requests and their statutory clock.

-- One row per request: due dates, working days late, and the next action. "today" is
-- current_date in Europe/London (set on connect); working days come from the working_days
-- index. A reply taken in but not read yet (documents still pending) makes the next action
-- reading it, never a chaser or a review, since the reply may be the answer.
CREATE VIEW v_requests AS
WITH base AS (
    SELECT
        r.reference,
        r.campaign_id,
        r.authority_id,
        au.name                                  AS authority_name,
        au.nation,
        au.kind                                  AS authority_kind,
        r.status,
        r.status IN ('successful', 'partially_successful', 'refused', 'not_held',
                     'internal_review')          AS responded,
        r.status IN ('sending', 'awaiting_response', 'waiting_clarification', 'extended')
                                                 AS open,
        r.regime,
        r.sent_on,
        r.sent_at,
        r.due_on,
        r.very_overdue_after,
        r.clock_stopped_since,
        r.review_requested_on,
        r.review_due_on,
        r.sections,
        r.channel,
        r.to_addr,
        r.url,
        r.error,
        m.first_reply_at                         AS responded_at,
        coalesce(r.responded_on, m.first_reply_at::DATE) AS responded_on,
        coalesce(m.replies, 0)                   AS replies,
        coalesce(m.auto_replies, 0)              AS auto_replies,
        coalesce(d.documents, 0)                 AS documents,
        coalesce(u.unread_documents, 0)          AS unread_documents,
        e.kind                                   AS last_event,
        e.happened_at                            AS last_event_at,
        coalesce(ch.stages, [])                  AS chases,
        ch.second_chase_on
    FROM requests r
    LEFT JOIN authorities au ON au.id = r.authority_id
    LEFT JOIN (
        SELECT request_reference,
               min(coalesce(dated, received_at)) FILTER (WHERE kind = 'reply') AS first_reply_at,
               count(*) FILTER (WHERE kind = 'reply')                          AS replies,
               count(*) FILTER (WHERE kind IN ('auto_reply', 'bounce'))        AS auto_replies
        FROM messages WHERE direction = 'incoming' GROUP BY request_reference
    ) m ON m.request_reference = r.reference
    LEFT JOIN (
        SELECT m.request_reference,
               count(DISTINCT md.document_id) FILTER (WHERE md.part > 0) AS documents
        FROM messages m JOIN message_documents md ON md.message_id = m.id
        GROUP BY m.request_reference
    ) d ON d.request_reference = r.reference
    LEFT JOIN (
        SELECT m.request_reference, count(DISTINCT md.document_id) AS unread_documents
        FROM messages m
        JOIN message_documents md ON md.message_id = m.id
        JOIN documents doc ON doc.id = md.document_id
        WHERE m.direction = 'incoming' AND doc.status = 'pending'
        GROUP BY m.request_reference
    ) u ON u.request_reference = r.reference
    LEFT JOIN (
        SELECT request_reference, kind, happened_at FROM events
        QUALIFY row_number() OVER (PARTITION BY request_reference
                                   ORDER BY happened_at DESC, id DESC) = 1
    ) e ON e.request_reference = r.reference
    LEFT JOIN (
        SELECT request_reference, list(stage ORDER BY stage) AS stages,
               (max(sent_at) FILTER (WHERE stage = 'second_chase'))::DATE AS second_chase_on
        FROM chases WHERE state IN ('sent', 'drafted') GROUP BY request_reference
    ) ch ON ch.request_reference = r.reference
), clocked AS (
    SELECT b.*,
           b.open AND b.clock_stopped_since IS NULL AND current_date > b.due_on AS overdue,
           b.open AND b.clock_stopped_since IS NULL AND current_date > b.very_overdue_after
                                                                             AS very_overdue,
           CASE WHEN b.open AND b.clock_stopped_since IS NULL AND current_date > b.due_on
                THEN today.n - due.n END                                     AS working_days_late,
           b.status = 'internal_review' AND current_date > b.review_due_on   AS review_overdue
    FROM base b
    LEFT JOIN working_days due
        ON due.regime = CASE WHEN b.regime = 'foisa' THEN 'foisa' ELSE 'foia' END
       AND due.day = b.due_on
    LEFT JOIN working_days today
        ON today.regime = CASE WHEN b.regime = 'foisa' THEN 'foisa' ELSE 'foia' END
       AND today.day = current_date
)
SELECT *,
    CASE
        WHEN very_overdue THEN 'very overdue'
        WHEN overdue THEN 'overdue'
        WHEN open AND clock_stopped_since IS NOT NULL THEN 'clock stopped'
        WHEN open THEN 'on time'
        ELSE 'closed'
    END AS clock,
    CASE
        WHEN status = 'error_message' THEN 'fix the address and resend'
        WHEN status = 'sending' THEN 'check delivery: sending was interrupted'
        WHEN status = 'waiting_clarification' THEN 'answer the request for clarification'
        WHEN unread_documents > 0 THEN 'read the reply (foi extract)'
        WHEN very_overdue AND NOT list_contains(chases, 'second_chase')
            THEN 'send second chaser'
        -- the second chaser gives ten working days (about two weeks) before the ICO
        WHEN very_overdue AND second_chase_on > current_date - INTERVAL 14 DAY
            THEN 'wait for the reply to the chaser'
        WHEN very_overdue AND NOT list_contains(chases, 'ico_complaint')
            THEN 'complain to the ICO'
        WHEN very_overdue THEN 'send the drafted ICO complaint'
        WHEN overdue AND NOT list_contains(chases, 'first_chase')
            THEN 'send first chaser'
        WHEN overdue THEN 'wait for the reply to the chaser'
        WHEN status IN ('refused', 'partially_successful')
             AND NOT list_contains(chases, 'internal_review')
            THEN 'consider an internal review'
        WHEN status IN ('refused', 'partially_successful')
            THEN 'send the drafted internal review request'
        WHEN review_overdue AND NOT list_contains(chases, 'ico_complaint')
            THEN 'complain to the ICO'
        WHEN review_overdue THEN 'send the drafted ICO complaint'
        WHEN open OR status = 'internal_review' THEN 'wait'
        ELSE 'none'
    END AS next_action
FROM clocked;
