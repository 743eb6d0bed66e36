// The case store's schema, one numbered step at a time, for each engine (schema.hpp). A step is
// never edited once shipped: a change is a new step on both engines.
//
// The tables (ids are SQLite's INTEGER PRIMARY KEY, PostgreSQL's identity columns; flags are
// integers 0/1 on both; times are text "YYYY-MM-DD HH:MM:SS" in local time, days "YYYY-MM-DD"):
//   counter_sequences  the last number given per counter, day and kind (case, N notice, R refusal)
//   cases, case_items, case_materials   accepted cases (case_store.hpp / cases.hpp)
//   outbox             one row per item route, claimed by one dispatcher at a time (outbox.hpp)
//   clock_pauses       paused clocks of items (行政许可法 Art. 45)
//   notices, refusals  one-time notices and refusals to accept (notices.hpp)
//   audit_events, audit_heads  the hash chains, one head row per counter (database.hpp,
//                      audit.hpp); audit_head: the legacy head, where the chains start
//   users, drafts      accounts (accounts.hpp) and the clerks' unfinished intakes (drafts.hpp)
//   exchange_pulls, item_decisions   decisions pulled from the back offices, how far per client
//                      (decisions.hpp); exchange_cursors: the legacy cursors, one per back office
//   hand_outs, ratings results handed out and the applicants' ratings (handouts.hpp)
//   item_waits         the items of a case an item waits for (a bundle's order, outbox.hpp)
//   audit_imports      the id ranges of audit events merged from another store (migrate.hpp)
//   materials          (PostgreSQL) scans, content-addressed, in the database (materials.hpp)
#include "schema.hpp"

namespace onewindow::store {

namespace {

const std::array<const char*, kSchemaVersion> kSqliteSteps = {
    // 1
    R"sql(
    CREATE TABLE counter_sequences (counter TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL,
        last INTEGER NOT NULL, PRIMARY KEY (counter, day, kind));
    CREATE TABLE cases (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, counter TEXT NOT NULL,
        clerk TEXT NOT NULL, applicant_name TEXT NOT NULL, applicant_id_number TEXT NOT NULL,
        applicant_phone TEXT NOT NULL, status TEXT NOT NULL, accepted_at TEXT NOT NULL,
        form_snapshot TEXT NOT NULL, values_json TEXT NOT NULL);
    CREATE TABLE case_items (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        code TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
        department_code TEXT NOT NULL, department_name TEXT NOT NULL, plugin_id TEXT NOT NULL,
        endpoint TEXT NOT NULL, preliminary_review INTEGER NOT NULL, required INTEGER NOT NULL,
        immediate INTEGER NOT NULL, promised_days INTEGER NOT NULL, legal_days INTEGER NOT NULL,
        paused_days INTEGER NOT NULL DEFAULT 0, promised_date TEXT NOT NULL,
        legal_date TEXT NOT NULL, status TEXT NOT NULL, UNIQUE (case_id, code));
    CREATE TABLE case_materials (id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id), key TEXT NOT NULL, name TEXT NOT NULL,
        originals INTEGER NOT NULL, copies INTEGER NOT NULL, sha256 TEXT,
        tolerated INTEGER NOT NULL, promise TEXT NOT NULL);
    CREATE TABLE outbox (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        item_code TEXT NOT NULL, department TEXT NOT NULL, endpoint TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL, state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL);
    CREATE TABLE clock_pauses (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), reason TEXT NOT NULL,
        paused_from TEXT NOT NULL, resumed_on TEXT);
    CREATE TABLE notices (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, problems_json TEXT NOT NULL,
        issued_at TEXT NOT NULL);
    CREATE TABLE refusals (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, reason TEXT NOT NULL,
        refused_at TEXT NOT NULL);
    CREATE TABLE audit_events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
        counter TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
        success INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    )sql",
    // 2: users and roles, drafts, indexes for the case lists.
    R"sql(
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),
        counter TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL,
        iterations INTEGER NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL);
    CREATE TABLE drafts (id INTEGER PRIMARY KEY, clerk TEXT NOT NULL, counter TEXT NOT NULL,
        title TEXT NOT NULL, items_json TEXT NOT NULL, values_json TEXT NOT NULL,
        materials_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX cases_accepted_at ON cases (accepted_at);
    CREATE INDEX case_items_case ON case_items (case_id);
    CREATE INDEX case_materials_case ON case_materials (case_id);
    CREATE INDEX audit_events_subject ON audit_events (subject);
    )sql",
    // 3: the dispatcher's bookkeeping of each outbox row.
    R"sql(
    ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN response TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_at TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    )sql",
    // 4: decisions pulled from the back offices, and how far each back office was read.
    R"sql(
    CREATE TABLE exchange_cursors (back_office TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
    CREATE TABLE item_decisions (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), back_office TEXT NOT NULL,
        cursor INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected', 'correction')),
        reason TEXT NOT NULL, data TEXT NOT NULL, missing_materials TEXT NOT NULL,
        decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, received_at TEXT NOT NULL,
        UNIQUE (back_office, cursor));
    CREATE INDEX item_decisions_item ON item_decisions (case_item_id);
    )sql",
    // 5: the counter log over years of cases: decisions by day, open items only.
    R"sql(
    CREATE INDEX item_decisions_decided ON item_decisions (decided_at);
    CREATE INDEX case_items_open ON case_items (promised_date)
        WHERE status NOT IN ('approved', 'rejected', 'handed_out');
    )sql",
    // 6: results handed out at the window and the applicants' ratings.
    R"sql(
    CREATE TABLE hand_outs (id INTEGER PRIMARY KEY,
        case_item_id INTEGER NOT NULL REFERENCES case_items(id), collector TEXT NOT NULL,
        collector_id_number TEXT NOT NULL, proof TEXT NOT NULL, clerk TEXT NOT NULL,
        handed_out_at TEXT NOT NULL);
    CREATE TABLE ratings (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), comment TEXT NOT NULL,
        rated_at TEXT NOT NULL, follow_up_by TEXT NOT NULL, resolution TEXT NOT NULL DEFAULT '',
        resolved_by TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT '');
    CREATE INDEX ratings_case ON ratings (case_id);
    CREATE INDEX ratings_rated ON ratings (rated_at);
    CREATE INDEX ratings_open ON ratings (rated_at) WHERE follow_up_by <> '' AND resolved_at = '';
    CREATE INDEX ratings_resolved ON ratings (resolved_at)
        WHERE follow_up_by <> '' AND resolved_at <> '';
    CREATE INDEX hand_outs_at ON hand_outs (handed_out_at);
    )sql",
    // 7: agent mode (代办): each item's forwarding deadline, and the endpoint a row was first
    // tried at; the index holds only the items not forwarded yet.
    R"sql(
    ALTER TABLE outbox ADD COLUMN forward_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_to TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_forwarding ON outbox (forward_by)
        WHERE forward_by != '' AND state != 'sent';
    )sql",
    // 8: a centre: the audit chain's head row (its lock orders concurrent writers), outbox rows
    // claimed by one dispatcher for a while, one pull of a back office at a time, cases found
    // by the applicant's ID number at any counter.
    R"sql(
    CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), last_id INTEGER NOT NULL,
        hash TEXT NOT NULL);
    INSERT INTO audit_head (id, last_id, hash)
        SELECT 1, coalesce(max(id), 0),
               coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), '')
        FROM audit_events;
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
    ALTER TABLE exchange_cursors ADD COLUMN pulled_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE exchange_cursors ADD COLUMN pull_until TEXT NOT NULL DEFAULT '';
    CREATE INDEX cases_applicant ON cases (applicant_id_number);
    )sql",
    // 9: nothing on SQLite (its counter-log queries name their partial indexes, indexed_by()).
    R"sql(
    -- PostgreSQL's step 9 gives its planner statistics SQLite does not need.
    )sql",
    // 10: the unit of each accepted item's legal limit (working or natural days), as its item
    // said when it was accepted.
    R"sql(
    ALTER TABLE case_items ADD COLUMN legal_unit TEXT NOT NULL DEFAULT 'working'
        CHECK (legal_unit IN ('working', 'natural'));
    )sql",
    // 11: the order of a bundle's items (一件事): an accepted item waits for the decisions of the
    // items of its case whose results it needs (outbox.hpp: its row is sent once they are all
    // approved, held as 'blocked' when one is not). waits_for is indexed: a decision finds the
    // items waiting for it.
    R"sql(
    CREATE TABLE item_waits (case_item_id INTEGER NOT NULL REFERENCES case_items(id),
        waits_for INTEGER NOT NULL REFERENCES case_items(id),
        PRIMARY KEY (case_item_id, waits_for), CHECK (case_item_id <> waits_for));
    CREATE INDEX item_waits_for ON item_waits (waits_for);
    )sql",
    // 12: one audit chain per counter (database.hpp): each chain's head row, locked by its own
    // counter's appends only. audit_head stays as it is, the legacy head: the end of the one
    // chain written before this step, where every counter's chain starts (its row here is made
    // from audit_head by its first append). No event is rewritten.
    R"sql(
    CREATE TABLE audit_heads (counter TEXT PRIMARY KEY, last_id INTEGER NOT NULL,
        hash TEXT NOT NULL);
    )sql",
    // 13: materials supplied after acceptance, at any counter (store/supplements.hpp): a
    // tolerated gap's promise kept (case_materials.supplied_at) or what a correction asked for;
    // each supplement travels to the items' back offices as outbox rows of kind 'supplement'.
    R"sql(
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'case'
        CHECK (kind IN ('case', 'supplement'));
    ALTER TABLE case_materials ADD COLUMN supplied_at TEXT NOT NULL DEFAULT '';
    CREATE TABLE supplements (id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE,
        case_id INTEGER NOT NULL REFERENCES cases(id), counter TEXT NOT NULL, clerk TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('tolerated', 'correction')),
        item_code TEXT NOT NULL, supplied_at TEXT NOT NULL);
    CREATE INDEX supplements_case ON supplements (case_id);
    CREATE TABLE supplement_materials (id INTEGER PRIMARY KEY,
        supplement_id INTEGER NOT NULL REFERENCES supplements(id), key TEXT NOT NULL,
        name TEXT NOT NULL, originals INTEGER NOT NULL, copies INTEGER NOT NULL,
        sha256 TEXT NOT NULL);
    CREATE INDEX supplement_materials_of ON supplement_materials (supplement_id);
    )sql",
    // 14: exchange clients of their own per counter (a back office answers a client about the
    // cases that client sent): how far each back office was read, per client (decisions.hpp;
    // exchange_cursors stays as it was, the legacy cursor where each client's starts), and the
    // client each outbox row was claimed (so sent) by, under which its supplements go too
    // (outbox.hpp). The outbox rows of a case (its detail, a supplement's item row) are found
    // by an index instead of a scan of the whole outbox. case_items_case goes: the unique index
    // on (case_id, code) serves every lookup by case.
    R"sql(
    CREATE TABLE exchange_pulls (back_office TEXT NOT NULL, client TEXT NOT NULL,
        cursor INTEGER NOT NULL, pulled_by TEXT NOT NULL DEFAULT '',
        pull_until TEXT NOT NULL DEFAULT '', PRIMARY KEY (back_office, client));
    ALTER TABLE outbox ADD COLUMN client TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_case ON outbox (case_id, item_code);
    DROP INDEX case_items_case;
    )sql",
    // 15: the audit events of another counter's store merged into this one (store/migrate.hpp,
    // audit.hpp): which id range each merge brought and the event that names it (the
    // event's detail says where that range's chains start and end; this table only finds it).
    R"sql(
    CREATE TABLE audit_imports (event_id INTEGER PRIMARY KEY, first_id INTEGER NOT NULL,
        last_id INTEGER NOT NULL, CHECK (first_id <= last_id AND last_id < event_id));
    )sql",
};

const std::array<const char*, kSchemaVersion> kPostgresSteps = {
    // 1
    R"sql(
    CREATE TABLE counter_sequences (counter TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL,
        last INTEGER NOT NULL, PRIMARY KEY (counter, day, kind));
    CREATE TABLE cases (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        number TEXT NOT NULL UNIQUE, counter TEXT NOT NULL,
        clerk TEXT NOT NULL, applicant_name TEXT NOT NULL, applicant_id_number TEXT NOT NULL,
        applicant_phone TEXT NOT NULL, status TEXT NOT NULL, accepted_at TEXT NOT NULL,
        form_snapshot TEXT NOT NULL, values_json TEXT NOT NULL);
    CREATE TABLE case_items (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_id BIGINT NOT NULL REFERENCES cases(id),
        code TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
        department_code TEXT NOT NULL, department_name TEXT NOT NULL, plugin_id TEXT NOT NULL,
        endpoint TEXT NOT NULL, preliminary_review INTEGER NOT NULL, required INTEGER NOT NULL,
        immediate INTEGER NOT NULL, promised_days INTEGER NOT NULL, legal_days INTEGER NOT NULL,
        paused_days INTEGER NOT NULL DEFAULT 0, promised_date TEXT NOT NULL,
        legal_date TEXT NOT NULL, status TEXT NOT NULL, UNIQUE (case_id, code));
    CREATE TABLE case_materials (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_id BIGINT NOT NULL REFERENCES cases(id), key TEXT NOT NULL, name TEXT NOT NULL,
        originals INTEGER NOT NULL, copies INTEGER NOT NULL, sha256 TEXT,
        tolerated INTEGER NOT NULL, promise TEXT NOT NULL);
    CREATE TABLE outbox (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_id BIGINT NOT NULL REFERENCES cases(id),
        item_code TEXT NOT NULL, department TEXT NOT NULL, endpoint TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL, state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL);
    CREATE TABLE clock_pauses (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_item_id BIGINT NOT NULL REFERENCES case_items(id), reason TEXT NOT NULL,
        paused_from TEXT NOT NULL, resumed_on TEXT);
    CREATE TABLE notices (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, problems_json TEXT NOT NULL,
        issued_at TEXT NOT NULL);
    CREATE TABLE refusals (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        counter TEXT NOT NULL, clerk TEXT NOT NULL, applicant_name TEXT NOT NULL,
        applicant_id_number TEXT NOT NULL, items_json TEXT NOT NULL, reason TEXT NOT NULL,
        refused_at TEXT NOT NULL);
    CREATE TABLE audit_events (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL, actor TEXT NOT NULL,
        counter TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
        success INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE FUNCTION onewindow_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION onewindow_audit_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION onewindow_audit_append_only();
    )sql",
    // 2
    R"sql(
    CREATE TABLE users (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),
        counter TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL,
        iterations INTEGER NOT NULL, failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL);
    CREATE TABLE drafts (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        clerk TEXT NOT NULL, counter TEXT NOT NULL,
        title TEXT NOT NULL, items_json TEXT NOT NULL, values_json TEXT NOT NULL,
        materials_json TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE INDEX cases_accepted_at ON cases (accepted_at);
    CREATE INDEX case_items_case ON case_items (case_id);
    CREATE INDEX case_materials_case ON case_materials (case_id);
    CREATE INDEX audit_events_subject ON audit_events (subject);
    )sql",
    // 3
    R"sql(
    ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN response TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_at TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    )sql",
    // 4
    R"sql(
    CREATE TABLE exchange_cursors (back_office TEXT PRIMARY KEY, cursor BIGINT NOT NULL);
    CREATE TABLE item_decisions (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_item_id BIGINT NOT NULL REFERENCES case_items(id), back_office TEXT NOT NULL,
        cursor BIGINT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'rejected', 'correction')),
        reason TEXT NOT NULL, data TEXT NOT NULL, missing_materials TEXT NOT NULL,
        decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, received_at TEXT NOT NULL,
        UNIQUE (back_office, cursor));
    CREATE INDEX item_decisions_item ON item_decisions (case_item_id);
    )sql",
    // 5
    R"sql(
    CREATE INDEX item_decisions_decided ON item_decisions (decided_at);
    CREATE INDEX case_items_open ON case_items (promised_date)
        WHERE status NOT IN ('approved', 'rejected', 'handed_out');
    )sql",
    // 6
    R"sql(
    CREATE TABLE hand_outs (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_item_id BIGINT NOT NULL REFERENCES case_items(id), collector TEXT NOT NULL,
        collector_id_number TEXT NOT NULL, proof TEXT NOT NULL, clerk TEXT NOT NULL,
        handed_out_at TEXT NOT NULL);
    CREATE TABLE ratings (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        case_id BIGINT NOT NULL REFERENCES cases(id),
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5), comment TEXT NOT NULL,
        rated_at TEXT NOT NULL, follow_up_by TEXT NOT NULL, resolution TEXT NOT NULL DEFAULT '',
        resolved_by TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT '');
    CREATE INDEX ratings_case ON ratings (case_id);
    CREATE INDEX ratings_rated ON ratings (rated_at);
    CREATE INDEX ratings_open ON ratings (rated_at) WHERE follow_up_by <> '' AND resolved_at = '';
    CREATE INDEX ratings_resolved ON ratings (resolved_at)
        WHERE follow_up_by <> '' AND resolved_at <> '';
    CREATE INDEX hand_outs_at ON hand_outs (handed_out_at);
    )sql",
    // 7
    R"sql(
    ALTER TABLE outbox ADD COLUMN forward_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN sent_to TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_forwarding ON outbox (forward_by)
        WHERE forward_by != '' AND state != 'sent';
    )sql",
    // 8: as SQLite's step 8, and the scans themselves, in the database.
    R"sql(
    CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), last_id BIGINT NOT NULL,
        hash TEXT NOT NULL);
    INSERT INTO audit_head (id, last_id, hash)
        SELECT 1, coalesce(max(id), 0),
               coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), '')
        FROM audit_events;
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
    ALTER TABLE exchange_cursors ADD COLUMN pulled_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE exchange_cursors ADD COLUMN pull_until TEXT NOT NULL DEFAULT '';
    CREATE INDEX cases_applicant ON cases (applicant_id_number);
    CREATE TABLE materials (sha256 TEXT PRIMARY KEY, content BYTEA NOT NULL,
        stored_at TEXT NOT NULL);
    ALTER TABLE materials ALTER COLUMN content SET STORAGE EXTERNAL;
    )sql",
    // 9: the open bad ratings of the counter log. Level and resolution are not independent (only
    // a bad rating waits for one): without statistics on both together the planner expects a
    // sixth of all ratings where there are a few hundred, and joins them to every case by a
    // sequential scan (210 ms over a million cases instead of 3).
    R"sql(
    CREATE STATISTICS ratings_level_resolved (mcv) ON level, resolved_at FROM ratings;
    ANALYZE ratings;
    )sql",
    // 10: as SQLite's step 10.
    R"sql(
    ALTER TABLE case_items ADD COLUMN legal_unit TEXT NOT NULL DEFAULT 'working'
        CHECK (legal_unit IN ('working', 'natural'));
    )sql",
    // 11: as SQLite's step 11.
    R"sql(
    CREATE TABLE item_waits (case_item_id BIGINT NOT NULL REFERENCES case_items(id),
        waits_for BIGINT NOT NULL REFERENCES case_items(id),
        PRIMARY KEY (case_item_id, waits_for), CHECK (case_item_id <> waits_for));
    CREATE INDEX item_waits_for ON item_waits (waits_for);
    )sql",
    // 12: as SQLite's step 12.
    R"sql(
    CREATE TABLE audit_heads (counter TEXT PRIMARY KEY, last_id BIGINT NOT NULL,
        hash TEXT NOT NULL);
    )sql",
    // 13: as SQLite's step 13.
    R"sql(
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'case'
        CHECK (kind IN ('case', 'supplement'));
    ALTER TABLE case_materials ADD COLUMN supplied_at TEXT NOT NULL DEFAULT '';
    CREATE TABLE supplements (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        case_id BIGINT NOT NULL REFERENCES cases(id), counter TEXT NOT NULL, clerk TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('tolerated', 'correction')),
        item_code TEXT NOT NULL, supplied_at TEXT NOT NULL);
    CREATE INDEX supplements_case ON supplements (case_id);
    CREATE TABLE supplement_materials (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        supplement_id BIGINT NOT NULL REFERENCES supplements(id), key TEXT NOT NULL,
        name TEXT NOT NULL, originals INTEGER NOT NULL, copies INTEGER NOT NULL,
        sha256 TEXT NOT NULL);
    CREATE INDEX supplement_materials_of ON supplement_materials (supplement_id);
    )sql",
    // 14: as SQLite's step 14.
    R"sql(
    CREATE TABLE exchange_pulls (back_office TEXT NOT NULL, client TEXT NOT NULL,
        cursor BIGINT NOT NULL, pulled_by TEXT NOT NULL DEFAULT '',
        pull_until TEXT NOT NULL DEFAULT '', PRIMARY KEY (back_office, client));
    ALTER TABLE outbox ADD COLUMN client TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_case ON outbox (case_id, item_code);
    DROP INDEX case_items_case;
    )sql",
    // 15: as SQLite's step 15.
    R"sql(
    CREATE TABLE audit_imports (event_id BIGINT PRIMARY KEY, first_id BIGINT NOT NULL,
        last_id BIGINT NOT NULL, CHECK (first_id <= last_id AND last_id < event_id));
    )sql",
};

}  // namespace

const std::array<const char*, kSchemaVersion>& schema_steps(Engine engine) {
    return engine == Engine::PostgreSQL ? kPostgresSteps : kSqliteSteps;
}

}  // namespace onewindow::store
