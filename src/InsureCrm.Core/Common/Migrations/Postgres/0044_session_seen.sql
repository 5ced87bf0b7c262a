-- 0044: a session's last use, apart from its row. The session check moves it at most once a minute per session; kept
-- out of user_session so that the check reads the row and writes only this small table (on SQLite it lives in the
-- access log's file, see that script). No foreign key: nothing reads it without its session.
CREATE TABLE session_seen (
    session_id character varying(32) NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_session_seen PRIMARY KEY (session_id)
);
