-- Satisfaction (issue 18): the customer's answer to "How did we do?", once per chat and
-- only after it ended (the store checks both in the answer's transaction). The report
-- counts ratings by when they were given.
CREATE TABLE chat_ratings (
    chat_id     BIGINT PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    rating      BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     TEXT,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX chat_ratings_created ON chat_ratings (created_ms);
