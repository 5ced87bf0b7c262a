-- 0045: which keys protect this database's data (ProtectionKeyCheck). One row per key (a field-protection key id, the
-- search-hash key, the access-log key) with a keyed check value that reveals nothing of the key. A process given other
-- keys (a CLI run without the demo's key file made itself new ones and encrypted with them) now stops before writing.
CREATE TABLE protection_key_record (
    name character varying(40) NOT NULL,
    check_value character varying(64) NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_protection_key_record PRIMARY KEY (name)
);
