// Accepted cases (store/cases.hpp): acceptance, reading back, the lists, paused clocks.
#include "onewindow/store/cases.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

std::string check_now(const std::optional<std::string>& now) {
    if (!now) return local_timestamp_now();
    if (now->size() != 19 || !Date::parse(now->substr(0, 10)))
        throw Error(ErrorKind::Input, "now: \"" + *now + "\" is not YYYY-MM-DD HH:MM:SS");
    return *now;
}

DeadlineState deadline_state(const WorkingCalendar& calendar, Date due, Date today, bool open) {
    if (!open) return DeadlineState::Closed;
    if (due < today) return DeadlineState::Overdue;
    return calendar.working_days_between(today, due) <= 1 ? DeadlineState::DueSoon
                                                          : DeadlineState::OnTime;
}

std::string deadline_colour(DeadlineState state) {
    switch (state) {
        case DeadlineState::OnTime:
            return tr("green");
        case DeadlineState::DueSoon:
            return tr("yellow");
        case DeadlineState::Overdue:
            return tr("red");
        case DeadlineState::Closed:
            return "";
    }
    return "";
}

namespace store {

namespace {

Statement& number_update(Database& db) {
    // The upsert locks the counter's row for this day and kind until the transaction ends:
    // numbers are unique centre-wide, and only intakes at the same counter wait for each other.
    return db.cached(
        "INSERT INTO counter_sequences (counter, day, kind, last) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (counter, day, kind) DO UPDATE SET last = counter_sequences.last + 1"
        " RETURNING last");
}

}  // namespace

NumberRequest::NumberRequest(Database& db, const std::string& counter, const std::string& day,
                             const std::string& kind)
    : update_(number_update(db)),
      prefix_(counter + (kind.empty() ? "" : "-" + kind) + "-" + day.substr(0, 4) +
              day.substr(5, 2) + day.substr(8, 2) + "-") {
    update_.bind(1, counter).bind(2, day).bind(3, kind);
    update_.defer();
}

std::string NumberRequest::get() {
    if (!update_.step()) throw Error(ErrorKind::Storage, "counter_sequences: no number");
    char sequence[8];
    std::snprintf(sequence, sizeof sequence, "%04d", update_.integer(0));
    update_.reset();
    return prefix_ + sequence;
}

std::string next_number(Database& db, const std::string& counter, const std::string& day,
                        const std::string& kind) {
    return NumberRequest(db, counter, day, kind).get();
}

void update_case_status(Database& db, long long case_id) {
    Statement& q = db.cached(
        "SELECT sum(CASE WHEN status = 'correction_needed' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status NOT IN ('approved', 'rejected') THEN 1 ELSE 0 END),"
        " sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), count(*)"
        " FROM case_items WHERE case_id = ? AND required <> 0 AND status <> 'cancelled'");
    q.bind(1, case_id);
    q.step();
    const long long corrections = q.int64(0), open = q.int64(1), rejected = q.int64(2),
                    total = q.int64(3);
    q.reset();
    const char* status = total == 0          ? "cancelled"
                         : corrections > 0   ? "correction_needed"
                         : open > 0          ? nullptr
                         : rejected == total ? "rejected"
                                             : "approved";
    if (!status) {
        // Open again (a correction answered, an item sent again after all): under way.
        db.cached(
              "UPDATE cases SET status = 'accepted' WHERE id = ?"
              " AND status IN ('correction_needed', 'cancelled')")
            .bind(1, case_id)
            .run();
        return;
    }
    db.cached("UPDATE cases SET status = ? WHERE id = ?").bind(1, status).bind(2, case_id).run();
}

namespace {

/// The form's labels of the values ({key: label}) from the form snapshot.
Poco::JSON::Object::Ptr value_labels(const std::string& form_snapshot_json) {
    Poco::JSON::Object::Ptr labels = new Poco::JSON::Object(true);
    if (form_snapshot_json.empty()) return labels;
    auto snapshot =
        parse_json(form_snapshot_json, "form snapshot").extract<Poco::JSON::Object::Ptr>();
    auto sections = snapshot ? snapshot->getArray("sections") : nullptr;
    for (std::size_t i = 0; sections && i < sections->size(); ++i) {
        auto section = sections->getObject(static_cast<unsigned>(i));
        auto fields = section ? section->getArray("fields") : nullptr;
        for (std::size_t f = 0; fields && f < fields->size(); ++f) {
            auto field = fields->getObject(static_cast<unsigned>(f));
            if (field && field->has("key"))
                labels->set(field->getValue<std::string>("key"),
                            field->optValue<std::string>("label", ""));
        }
    }
    return labels;
}

}  // namespace

AcceptResult CaseRepository::accept(const AcceptRequest& request) {
    if (request.items.empty()) throw Error(ErrorKind::Input, "a case needs at least one item");
    for (const auto& item : request.items)
        for (const auto& code : item.waits_for)
            if (code == item.code ||
                std::none_of(request.items.begin(), request.items.end(),
                             [&](const AcceptItem& other) { return other.code == code; }))
                throw Error(ErrorKind::Input, "items: " + item.code + " waits for \"" + code +
                                                  "\", which is not another item of the case");
    const std::string now = check_now(request.now);
    const Date day = *Date::parse(now.substr(0, 10));
    // The scans are read before the transaction (no lock is held across file reads).
    std::vector<MaterialBytes> scans;
    for (const auto& material : request.materials)
        scans.push_back(material.file.empty() ? MaterialBytes{}
                                              : read_material_file(material.file));

    // What the department decides on (exchange_messages.hpp): the applicant, the form's values
    // and the materials (the scans follow by SHA-256, dispatcher.cpp). Every department of a
    // joint case gets the whole form: facts given once are shared (资料共享互认).
    exchange::CaseMessage message;
    message.accepted_at = now;
    message.applicant = new Poco::JSON::Object(true);
    message.applicant->set("name", request.applicant_name);
    message.applicant->set("id_number", request.applicant_id_number);
    message.applicant->set("phone", request.applicant_phone);
    message.values =
        request.values_json.empty()
            ? Poco::JSON::Object::Ptr(new Poco::JSON::Object(true))
            : parse_json(request.values_json, "values").extract<Poco::JSON::Object::Ptr>();
    message.labels = value_labels(request.form_snapshot_json);
    for (std::size_t m = 0; m < request.materials.size(); ++m) {
        const AcceptMaterial& material = request.materials[m];
        message.materials.push_back(
            {material.key, material.name, material.originals, material.copies, scans[m].sha256,
             material.tolerated ? std::optional<std::string>(material.promise) : std::nullopt});
    }

    // Two round trips on PostgreSQL: the scans, the case number and the audit head (locked)
    // in the first; everything else, queued, with the commit. The rows of the case find it by
    // its number, which is unique (no id to wait for).
    Transaction transaction(db_);
    for (const auto& scan : scans)
        if (!scan.sha256.empty()) materials_.put(scan.sha256, scan.bytes);
    NumberRequest number(db_, request.counter, now.substr(0, 10), "");
    const Database::AuditHead head = db_.lock_audit_head(request.counter);
    AcceptResult result;
    result.accepted_at = now;
    result.case_number = number.get();
    db_.cached(
           "INSERT INTO cases (number, counter, clerk, applicant_name, applicant_id_number,"
           " applicant_phone, status, accepted_at, form_snapshot, values_json)"
           " VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?)")
        .bind(1, result.case_number)
        .bind(2, request.counter)
        .bind(3, request.clerk)
        .bind(4, request.applicant_name)
        .bind(5, request.applicant_id_number)
        .bind(6, request.applicant_phone)
        .bind(7, now)
        .bind(8, request.form_snapshot_json)
        .bind(9, request.values_json)
        .queue();
    const std::string case_id = "(SELECT id FROM cases WHERE number = ?1)";

    for (const auto& item : request.items) {
        AcceptedItem accepted{
            item.code, item.immediate ? day : calendar_.add_working_days(day, item.promised_days),
            calendar_.add_days(day, item.legal_days, item.legal_unit), std::nullopt};
        if (request.agent)
            accepted.forward_by = calendar_.forwarding_deadline(day, item.preliminary_review);
        Statement& insert_item = db_.cached(
            "INSERT INTO case_items (case_id, code, name, version, department_code,"
            " department_name, plugin_id, endpoint, preliminary_review, required, immediate,"
            " promised_days, legal_days, promised_date, legal_date, legal_unit, status)"
            " VALUES (" +
            case_id +
            ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'accepted')");
        insert_item.bind(1, result.case_number)
            .bind(2, item.code)
            .bind(3, item.name)
            .bind(4, item.version)
            .bind(5, item.department_code)
            .bind(6, item.department_name)
            .bind(7, item.plugin_id)
            .bind(8, item.endpoint)
            .bind(9, item.preliminary_review ? 1 : 0)
            .bind(10, item.required ? 1 : 0)
            .bind(11, item.immediate ? 1 : 0)
            .bind(12, item.promised_days)
            .bind(13, item.legal_days)
            .bind(14, accepted.promised_date.iso())
            .bind(15, accepted.legal_date.iso())
            .bind(16, day_unit_name(item.legal_unit))
            .queue();

        message.case_number = result.case_number;
        message.item = item.code;
        message.item_version = item.version;
        message.department = item.department_code;
        Statement& insert_outbox = db_.cached(
            "INSERT INTO outbox (case_id, item_code, department, endpoint, idempotency_key,"
            " payload, state, next_attempt_at, forward_by) VALUES (" +
            case_id + ", ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)");
        insert_outbox.bind(1, result.case_number)
            .bind(2, item.code)
            .bind(3, item.department_code)
            .bind(4, item.endpoint)
            .bind(5, result.case_number + "/" + item.code)
            .bind(6, to_json(exchange::case_to_json(message)))
            .bind(7, now)
            .bind(8, accepted.forward_by ? accepted.forward_by->iso() : "");
        insert_outbox.queue();
        result.items.push_back(accepted);
    }
    for (const auto& item : request.items)  // a bundle's order (outbox.hpp)
        for (const auto& code : item.waits_for)
            db_.cached(
                   "INSERT INTO item_waits (case_item_id, waits_for) SELECT a.id, b.id"
                   " FROM cases c JOIN case_items a ON a.case_id = c.id"
                   " JOIN case_items b ON b.case_id = c.id"
                   " WHERE c.number = ? AND a.code = ? AND b.code = ?")
                .bind(1, result.case_number)
                .bind(2, item.code)
                .bind(3, code)
                .queue();
    for (std::size_t i = 0; i < request.materials.size(); ++i) {
        const auto& m = request.materials[i];
        Statement& insert = db_.cached(
            "INSERT INTO case_materials (case_id, key, name, originals, copies, sha256,"
            " tolerated, promise) VALUES (" +
            case_id + ", ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        insert.bind(1, result.case_number).bind(2, m.key).bind(3, m.name).bind(4, m.originals);
        insert.bind(5, m.copies);
        if (scans[i].sha256.empty())
            insert.bind_null(6);
        else
            insert.bind(6, scans[i].sha256);
        insert.bind(7, m.tolerated ? 1 : 0).bind(8, m.promise);
        insert.queue();
    }
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("applicant", mask_id_number(request.applicant_id_number));
    detail->set("items", static_cast<int>(request.items.size()));
    if (request.agent) detail->set("agent", true);
    detail->set("materials", static_cast<int>(request.materials.size()));
    db_.append_audit(AuditEvent{0, now, request.clerk, request.counter, "case.accepted",
                                result.case_number, to_json(detail), true, ""},
                     head);
    if (fail_next_accept_) {
        fail_next_accept_ = false;
        throw Error(ErrorKind::Storage, db_.location().display() +
                                            ": injected failure before commit (nothing was "
                                            "changed)");
    }
    transaction.commit();
    return result;
}

std::optional<CaseRecord> CaseRepository::find(const std::string& number) const {
    Statement& q = db_.cached(
        "SELECT id, number, counter, clerk, applicant_name, applicant_id_number,"
        " applicant_phone, status, accepted_at, values_json, form_snapshot FROM cases"
        " WHERE number = ?");
    q.bind(1, number);
    if (!q.step()) return std::nullopt;
    CaseRecord r;
    const long long id = q.int64(0);
    int c = 1;
    for (std::string* text :
         {&r.number, &r.counter, &r.clerk, &r.applicant_name, &r.applicant_id_number,
          &r.applicant_phone, &r.status, &r.accepted_at, &r.values_json, &r.form_snapshot_json})
        *text = q.text(c++);
    q.reset();
    Statement& items = db_.cached(
        "SELECT code, name, department_code, department_name, plugin_id, endpoint, status,"
        " version, promised_days, legal_days, paused_days, immediate, preliminary_review,"
        " required, promised_date, legal_date, legal_unit FROM case_items WHERE case_id = ?"
        " ORDER BY id");
    items.bind(1, id);
    while (items.step()) {
        CaseItemRecord i;
        c = 0;
        for (std::string* text : {&i.code, &i.name, &i.department_code, &i.department_name,
                                  &i.plugin_id, &i.endpoint, &i.status})
            *text = items.text(c++);
        i.version = items.integer(c++);
        i.promised_days = items.integer(c++);
        i.legal_days = items.integer(c++);
        i.paused_days = items.integer(c++);
        i.immediate = items.integer(c++) != 0;
        i.preliminary_review = items.integer(c++) != 0;
        i.required = items.integer(c++) != 0;
        i.promised_date = *Date::parse(items.text(c++));
        i.legal_date = *Date::parse(items.text(c++));
        i.legal_unit = parse_day_unit(items.text(c++)).value_or(DayUnit::Working);
        r.items.push_back(std::move(i));
    }
    items.reset();
    Statement& waits = db_.cached(
        "SELECT i.code, p.code, CASE WHEN EXISTS (SELECT 1 FROM item_decisions d WHERE"
        " d.case_item_id = p.id AND d.outcome = 'approved') THEN 1 ELSE 0 END FROM item_waits w"
        " JOIN case_items i ON i.id = w.case_item_id JOIN case_items p ON p.id = w.waits_for"
        " WHERE i.case_id = ? ORDER BY w.case_item_id, w.waits_for");
    waits.bind(1, id);
    while (waits.step())
        for (auto& item : r.items)
            if (item.code == waits.text(0)) {
                item.waits_for.push_back(waits.text(1));
                if (waits.integer(2) == 0) item.waiting_for.push_back(waits.text(1));
            }
    waits.reset();
    Statement& materials = db_.cached(
        "SELECT key, name, coalesce(sha256, ''), promise, originals, copies, tolerated,"
        " supplied_at FROM case_materials WHERE case_id = ? ORDER BY id");
    materials.bind(1, id);
    while (materials.step()) {
        CaseMaterialRecord m;
        m.key = materials.text(0);
        m.name = materials.text(1);
        m.sha256 = materials.text(2);
        m.promise = materials.text(3);
        m.originals = materials.integer(4);
        m.copies = materials.integer(5);
        m.tolerated = materials.integer(6) != 0;
        m.supplied_at = materials.text(7);
        r.materials.push_back(std::move(m));
    }
    materials.reset();
    r.events = AuditRepository(db_).events_of(number);
    return r;
}

std::vector<CaseSummary> CaseRepository::list(const CaseFilter& filter) const {
    // An item is open until a department decided it (or the clerk withdrew it, outbox.hpp); a
    // case is open while any item is.
    constexpr const char* kOpen =
        "i.status NOT IN ('approved', 'rejected', 'handed_out', 'cancelled')";
    Statement q = db_.prepare(
        "SELECT c.number, c.counter, c.clerk, c.applicant_name, c.applicant_id_number,"
        " c.status, c.accepted_at, " +
        db_.list_agg("i.name", "、") + ", " + db_.list_agg("i.department_name", ",", true) +
        ", min(CASE WHEN " + kOpen + " THEN i.promised_date END), max(i.promised_date)," +
        " sum(CASE WHEN " + kOpen + " THEN 1 ELSE 0 END)" +
        " FROM cases c JOIN case_items i ON i.case_id = c.id"
        " WHERE (?1 = '' OR c.counter = ?1) AND (?2 = '' OR c.status = ?2)"
        " AND (?3 = '' OR c.id IN (SELECT case_id FROM case_items"
        "      WHERE department_code = ?3 OR department_name = ?3))"
        " AND (?4 = '' OR c.id IN (SELECT case_id FROM case_items"
        "      WHERE code = ?4 OR " +
        db_.contains("name", "?4") +
        "))"
        " AND (?5 = '' OR c.clerk = ?5) AND (?6 = '' OR c.accepted_at >= ?6)"
        " AND (?7 = '' OR c.accepted_at < ?7) AND (?9 = '' OR c.applicant_id_number = ?9)"
        " GROUP BY c.id ORDER BY c.accepted_at DESC, c.id DESC LIMIT ?8");
    q.bind(1, filter.counter)
        .bind(2, filter.status)
        .bind(3, filter.department)
        .bind(4, filter.item)
        .bind(5, filter.clerk)
        .bind(6, filter.from ? filter.from->iso() : std::string())
        .bind(7, filter.to ? filter.to->plus_days(1).iso() : std::string())
        .bind(8, filter.limit)
        .bind(9, filter.applicant_id_number);
    std::vector<CaseSummary> out;
    while (q.step()) {
        CaseSummary c;
        int column = 0;
        for (std::string* text :
             {&c.number, &c.counter, &c.clerk, &c.applicant_name, &c.applicant_id_number, &c.status,
              &c.accepted_at, &c.items, &c.departments})
            *text = q.text(column++);
        for (std::size_t at; (at = c.departments.find(',')) != std::string::npos;)
            c.departments.replace(at, 1, "、");
        c.open = q.int64(11) > 0;
        c.promised_date = Date::parse(q.text(c.open ? 9 : 10)).value_or(Date{});
        out.push_back(std::move(c));
    }
    return out;
}

void pause_item_clock(Database& db, long long item_id, const std::string& case_number,
                      const std::string& item_code, const std::string& counter,
                      const std::string& reason, Date from, const std::string& actor,
                      const std::string& now) {
    db.prepare("INSERT INTO clock_pauses (case_item_id, reason, paused_from) VALUES (?, ?, ?)")
        .bind(1, item_id)
        .bind(2, reason)
        .bind(3, from.iso())
        .run();
    db.append_audit(AuditEvent{
        0, now, actor, counter, "clock.paused", case_number,
        detail_json({{"item", item_code}, {"reason", reason}, {"from", from.iso()}}), true, ""});
}

bool clock_paused(Database& db, long long item_id) {
    Statement open_pause = db.prepare(
        "SELECT count(*) FROM clock_pauses WHERE case_item_id = ? AND resumed_on IS NULL");
    open_pause.bind(1, item_id);
    open_pause.step();
    return open_pause.int64(0) > 0;
}

bool resume_item_clock(Database& db, const WorkingCalendar& calendar,
                       const std::string& case_number, const std::string& item_code, Date to,
                       const std::string& actor, const std::string& now, bool strict) {
    Statement q = db.prepare(
        "SELECT p.id, p.paused_from, i.id, i.promised_days, i.legal_days, i.paused_days,"
        " c.accepted_at, c.counter, i.immediate, i.legal_unit FROM clock_pauses p"
        " JOIN case_items i ON i.id = p.case_item_id JOIN cases c ON c.id = i.case_id"
        " WHERE c.number = ? AND i.code = ? AND p.resumed_on IS NULL" +
        db.for_update("p"));
    q.bind(1, case_number).bind(2, item_code);
    if (!q.step()) return false;
    const Date from = *Date::parse(q.text(1));
    if (to < from && strict)
        throw Error(ErrorKind::Input, "the clock cannot resume before it paused");
    if (to < from) to = from;
    const int paused = q.integer(5) + calendar.working_days_between(from, to);
    const Date accepted = *Date::parse(q.text(6).substr(0, 10));
    const bool immediate = q.integer(8) != 0;
    const Date promised =
        immediate ? accepted : calendar.add_working_days(accepted, q.integer(3) + paused);
    // A paused clock moves the legal limit on by the working days it stood, whatever its unit.
    const DayUnit unit = parse_day_unit(q.text(9)).value_or(DayUnit::Working);
    const Date legal =
        calendar.add_working_days(calendar.add_days(accepted, q.integer(4), unit), paused);
    db.prepare("UPDATE clock_pauses SET resumed_on = ? WHERE id = ?")
        .bind(1, to.iso())
        .bind(2, q.int64(0))
        .run();
    db.prepare(
          "UPDATE case_items SET paused_days = ?, promised_date = ?, legal_date = ? WHERE id = ?")
        .bind(1, paused)
        .bind(2, promised.iso())
        .bind(3, legal.iso())
        .bind(4, q.int64(2))
        .run();
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    detail->set("item", item_code);
    detail->set("to", to.iso());
    detail->set("paused_working_days", paused);
    detail->set("promised_date", promised.iso());
    db.append_audit(AuditEvent{0, now, actor, q.text(7), "clock.resumed", case_number,
                               to_json(detail), true, ""});
    return true;
}

void CaseRepository::pause_clock(const std::string& case_number, const std::string& item_code,
                                 const std::string& reason, Date from, const std::string& actor) {
    Transaction transaction(db_);
    Statement item = db_.prepare(
        "SELECT i.id, c.counter FROM case_items i JOIN cases c ON c.id = i.case_id"
        " WHERE c.number = ? AND i.code = ?" +
        db_.for_update("i"));
    item.bind(1, case_number).bind(2, item_code);
    if (!item.step())
        throw Error(ErrorKind::NotFound, "no item " + item_code + " in case " + case_number);
    const long long item_id = item.int64(0);
    if (clock_paused(db_, item_id))
        throw Error(ErrorKind::Input, "the clock of " + item_code + " is already paused");
    pause_item_clock(db_, item_id, case_number, item_code, item.text(1), reason, from, actor,
                     local_timestamp_now());
    transaction.commit();
}

void CaseRepository::resume_clock(const std::string& case_number, const std::string& item_code,
                                  Date to, const std::string& actor) {
    Transaction transaction(db_);
    if (!resume_item_clock(db_, calendar_, case_number, item_code, to, actor, local_timestamp_now(),
                           true))
        throw Error(ErrorKind::Input, "the clock of " + item_code + " is not paused");
    transaction.commit();
}

}  // namespace store
}  // namespace onewindow
