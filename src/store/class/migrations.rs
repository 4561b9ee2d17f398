//! The PostgreSQL schema of a school, as numbered migrations. Each runs in
//! its own transaction with its version recorded in the same transaction,
//! under an advisory lock so two servers starting together do not race: a
//! migration interrupted half way (killed server, lost connection) leaves
//! the database at the version before it, and the next start runs it
//! again. A database newer than this build is refused, never written.

/// One schema change.
pub struct Migration {
    /// Its version (1, 2, 3… with no gaps).
    pub version: i32,
    /// What it does, for messages.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "teachers, terms, classes, students",
        sql: "
CREATE TABLE teachers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE terms (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE classes (
    id BIGSERIAL PRIMARY KEY,
    teacher_id BIGINT NOT NULL REFERENCES teachers (id),
    term_id BIGINT NOT NULL REFERENCES terms (id),
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (teacher_id, term_id, name)
);
CREATE TABLE class_meta (
    class_id BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    k TEXT NOT NULL,
    v TEXT NOT NULL,
    PRIMARY KEY (class_id, k)
);
CREATE TABLE students (
    class_id BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    token TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (class_id, id),
    UNIQUE (class_id, token)
);
",
    },
    Migration {
        version: 2,
        name: "items and one row per answer",
        sql: "
CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    UNIQUE (deck_id, card_id)
);
CREATE TABLE class_items (
    class_id BIGINT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item_id BIGINT NOT NULL REFERENCES items (id),
    PRIMARY KEY (class_id, position)
);
-- No foreign keys: a term's ten million rows load with COPY, and rows
-- are only ever written with their student, by the class store.
CREATE TABLE answers (
    class_id BIGINT NOT NULL,
    student_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    item_id BIGINT NOT NULL,
    response TEXT,
    correct BOOLEAN NOT NULL,
    seconds BIGINT NOT NULL,
    PRIMARY KEY (class_id, student_id, position)
);
",
    },
    Migration {
        version: 3,
        name: "handed-in sittings and their scores; indexes for the reports",
        sql: "
ALTER TABLE students ADD COLUMN submitted BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE students ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
UPDATE students SET submitted = coalesce(jsonb_typeof(record::jsonb -> 'submitted') = 'object', false);
UPDATE students s SET score = (
    SELECT count(*) FROM answers a
    WHERE a.class_id = s.class_id AND a.student_id = s.id AND a.correct
);
CREATE INDEX classes_term ON classes (term_id, teacher_id);
CREATE INDEX answers_item ON answers (item_id, class_id) INCLUDE (correct);
",
    },
];

/// The newest schema version this build knows.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The advisory lock key migrations hold ("docket" in ASCII).
pub const LOCK_KEY: i64 = 0x646f_636b_6574;
