// Materials supplied after acceptance (store/supplements.hpp).
#include "onewindow/store/supplements.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <map>

#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"

namespace onewindow::store {

namespace {

/// An item's own outbox row (kind 'case'): where its supplements go.
struct ItemRoute {
    std::string code, department, endpoint, sent_to, status;
    std::vector<std::string> tolerated_keys;  // the tolerated gaps sent with it
};

/// The case's items with their rows, in the order accepted.
std::vector<ItemRoute> item_routes(Database& db, long long case_id) {
    Statement& q = db.cached(
        "SELECT i.code, o.department, o.endpoint, o.sent_to, i.status, o.payload FROM case_items i"
        " JOIN outbox o ON o.case_id = i.case_id AND o.item_code = i.code AND o.kind = 'case'"
        " WHERE i.case_id = ? ORDER BY i.id");
    q.bind(1, case_id);
    std::vector<ItemRoute> routes;
    while (q.step()) {
        ItemRoute r{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), {}};
        Issues ignored;  // the store wrote it; what cannot be read names no tolerated gap
        try {
            const auto message =
                exchange::case_from_json(parse_json(q.text(5), "outbox.payload"), "", "$", ignored);
            for (const auto& m : message.materials)
                if (m.tolerated_gap) r.tolerated_keys.push_back(m.key);
        } catch (const std::exception&) {
        }
        routes.push_back(std::move(r));
    }
    q.reset();
    return routes;
}

bool closed(const std::string& status) {
    return status == "approved" || status == "rejected" || status == "handed_out" ||
           status == "cancelled";
}

}  // namespace

SupplyResult SupplementRepository::record(const SupplyRequest& request) {
    if (request.reason != "tolerated" && request.reason != "correction")
        throw Error(ErrorKind::Input,
                    "reason: \"" + request.reason + "\" is not tolerated or correction");
    if (request.reason == "correction" && request.item_code.empty())
        throw Error(ErrorKind::Input, tr("Name the item whose correction the materials answer"));
    if (request.materials.empty())
        throw Error(ErrorKind::Input, tr("Name at least one material that was brought"));
    for (const auto& m : request.materials) {
        if (m.key.empty()) throw Error(ErrorKind::Input, tr("A supplied material has no name"));
        if (m.file.empty())
            throw Error(ErrorKind::Input,
                        trf("Scan the material {} first: the department reviews the scan", m.key));
    }
    const std::string now = check_now(request.now);
    // The scans are read before the transaction (no lock is held across file reads).
    std::vector<MaterialBytes> scans;
    for (const auto& m : request.materials) scans.push_back(read_material_file(m.file));

    Transaction transaction(db_);
    Statement& the_case = db_.cached("SELECT id FROM cases WHERE number = ?" + db_.for_update());
    the_case.bind(1, request.case_number);
    if (!the_case.step())
        throw Error(ErrorKind::NotFound, trf("There is no case {}", request.case_number));
    const long long case_id = the_case.int64(0);
    the_case.reset();

    std::vector<ItemRoute> routes = item_routes(db_, case_id);
    std::vector<SupplementMaterial> supplied;
    std::vector<long long> tolerated_rows(request.materials.size(), 0);
    for (std::size_t i = 0; i < request.materials.size(); ++i) {
        const SupplyMaterial& m = request.materials[i];
        SupplementMaterial s{m.key, m.name.empty() ? m.key : m.name, scans[i].sha256, m.originals,
                             m.copies};
        Statement& gap = db_.cached(
            "SELECT id, name, supplied_at FROM case_materials WHERE case_id = ? AND key = ?"
            " AND tolerated <> 0");
        gap.bind(1, case_id).bind(2, m.key);
        const bool tolerated = gap.step();
        if (tolerated) {
            if (m.name.empty()) s.name = gap.text(1);
            if (!gap.text(2).empty() && request.reason == "tolerated")
                throw Error(ErrorKind::Input, trf("Case {}: {} was already supplied on {}",
                                                  request.case_number, gap.text(1), gap.text(2)));
            if (gap.text(2).empty()) tolerated_rows[i] = gap.int64(0);
        }
        gap.reset();
        if (!tolerated && request.reason == "tolerated")
            throw Error(ErrorKind::Input, trf("Case {}: {} was not accepted as a tolerated gap",
                                              request.case_number, m.key));
        supplied.push_back(std::move(s));
    }

    // The items it goes to: the corrected one; or each open item sent with one of the gaps.
    std::vector<const ItemRoute*> targets;
    if (request.reason == "correction") {
        auto item = std::find_if(routes.begin(), routes.end(),
                                 [&](const ItemRoute& r) { return r.code == request.item_code; });
        if (item == routes.end())
            throw Error(ErrorKind::NotFound,
                        trf("Case {} has no item {}", request.case_number, request.item_code));
        if (item->status != "correction_needed")
            throw Error(
                ErrorKind::Input,
                trf("Case {}: the back office has not asked for a correction of the item {}",
                    request.case_number, request.item_code));
        targets.push_back(&*item);
    } else {
        for (const auto& r : routes) {
            if (closed(r.status)) continue;
            const bool had = std::any_of(
                request.materials.begin(), request.materials.end(), [&](const SupplyMaterial& m) {
                    return std::count(r.tolerated_keys.begin(), r.tolerated_keys.end(), m.key) > 0;
                });
            if (had) targets.push_back(&r);
        }
    }

    Statement& count = db_.cached("SELECT count(*) FROM supplements WHERE case_id = ?");
    count.bind(1, case_id);
    count.step();
    SupplyResult result;
    result.number = request.case_number + "-BJ" + std::to_string(count.int64(0) + 1);
    result.supplied_at = now;
    count.reset();

    for (const auto& scan : scans) materials_.put(scan.sha256, scan.bytes);
    Statement& insert = db_.cached(
        "INSERT INTO supplements (number, case_id, counter, clerk, reason, item_code,"
        " supplied_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    insert.bind(1, result.number)
        .bind(2, case_id)
        .bind(3, request.counter)
        .bind(4, request.clerk)
        .bind(5, request.reason)
        .bind(6, request.item_code)
        .bind(7, now);
    insert.step();
    const long long supplement_id = insert.int64(0);
    insert.reset();
    for (std::size_t i = 0; i < supplied.size(); ++i) {
        const SupplementMaterial& s = supplied[i];
        db_.cached(
               "INSERT INTO supplement_materials (supplement_id, key, name, originals, copies,"
               " sha256) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, supplement_id)
            .bind(2, s.key)
            .bind(3, s.name)
            .bind(4, s.originals)
            .bind(5, s.copies)
            .bind(6, s.sha256)
            .run();
        if (tolerated_rows[i] != 0)  // the promise is kept
            db_.cached("UPDATE case_materials SET sha256 = ?, supplied_at = ? WHERE id = ?")
                .bind(1, s.sha256)
                .bind(2, now)
                .bind(3, tolerated_rows[i])
                .run();
    }

    exchange::SupplementMessage message;
    message.supplement = result.number;
    message.case_number = request.case_number;
    message.reason = request.reason;
    message.supplied_at = now;
    message.counter = request.counter;
    for (const auto& s : supplied)
        message.materials.push_back({s.key, s.name, s.originals, s.copies, s.sha256, std::nullopt});
    for (const ItemRoute* target : targets) {
        message.item = target->code;
        message.department = target->department;
        db_.cached(
               "INSERT INTO outbox (case_id, item_code, department, endpoint, idempotency_key,"
               " payload, state, next_attempt_at, sent_to, kind)"
               " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, 'supplement')")
            .bind(1, case_id)
            .bind(2, target->code)
            .bind(3, target->department)
            .bind(4, target->endpoint)
            .bind(5, result.number + "/" + target->code)
            .bind(6, to_json(exchange::supplement_to_json(message)))
            .bind(7, now)
            .bind(8, target->sent_to)
            .run();
        result.items.push_back(target->code);
    }
    if (request.reason == "correction") {  // back to its department, to be decided anew
        db_.cached("UPDATE case_items SET status = 'accepted' WHERE case_id = ? AND code = ?")
            .bind(1, case_id)
            .bind(2, request.item_code)
            .run();
        update_case_status(db_, case_id);
        // The clock the correction paused runs again from the day the materials came.
        resume_item_clock(db_, calendar_, request.case_number, request.item_code,
                          *Date::parse(now.substr(0, 10)), request.clerk, now);
    }

    std::string keys, items;
    for (const auto& s : supplied) keys += (keys.empty() ? "" : ",") + s.key;
    for (const auto& code : result.items) items += (items.empty() ? "" : ",") + code;
    db_.append_audit(AuditEvent{0, now, request.clerk, request.counter, "case.supplied",
                                request.case_number,
                                detail_json({{"supplement", result.number},
                                             {"reason", request.reason},
                                             {"materials", keys},
                                             {"items", items}}),
                                true, ""});
    transaction.commit();
    return result;
}

std::vector<SupplementRecord> SupplementRepository::of_case(const std::string& case_number) const {
    Statement& q = db_.cached(
        "SELECT s.id, s.number, s.counter, s.clerk, s.reason, s.item_code, s.supplied_at"
        " FROM supplements s JOIN cases c ON c.id = s.case_id WHERE c.number = ? ORDER BY s.id");
    q.bind(1, case_number);
    std::vector<std::pair<long long, SupplementRecord>> found;
    while (q.step()) {
        SupplementRecord r;
        int c = 1;
        for (std::string* text :
             {&r.number, &r.counter, &r.clerk, &r.reason, &r.item_code, &r.supplied_at})
            *text = q.text(c++);
        found.emplace_back(q.int64(0), std::move(r));
    }
    q.reset();
    std::vector<SupplementRecord> out;
    for (auto& [id, r] : found) {
        Statement& m = db_.cached(
            "SELECT key, name, sha256, originals, copies FROM supplement_materials"
            " WHERE supplement_id = ? ORDER BY id");
        m.bind(1, id);
        while (m.step())
            r.materials.push_back({m.text(0), m.text(1), m.text(2), m.integer(3), m.integer(4)});
        m.reset();
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace onewindow::store

namespace onewindow {

std::string supply_reason_label(std::string_view reason) {
    if (reason == "tolerated") return tr("tolerated gap supplied");
    if (reason == "correction") return tr("correction supplied");
    return std::string(reason);
}

}  // namespace onewindow
