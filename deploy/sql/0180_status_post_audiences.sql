-- Status posts (a send to status@broadcast): the users a post goes to, stored with the PENDING
-- message in its transaction, so a post that a restart interrupted goes out again to the same
-- audience (accepted messages are durable before we answer 2xx). A row lives while its post is
-- being sent: it is deleted once the post is acked or failed, and with its message.
CREATE TABLE IF NOT EXISTS status_post_audiences (
    message_id bigint NOT NULL PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    audience   text[] NOT NULL CHECK (cardinality(audience) > 0)
);
