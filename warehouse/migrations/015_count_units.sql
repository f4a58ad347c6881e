-- A count's unit: the question asks in one (people, posts, fte, hours: [[questions]] unit in
-- the campaign), the answer gives its figure in one ('2.5 WTE', '37 hours a week').
ALTER TABLE questions ADD COLUMN unit VARCHAR;
ALTER TABLE answers ADD COLUMN unit VARCHAR;
