// Hand-out of results at the window and the applicants' ratings (store/handouts.hpp).
#include "onewindow/store/handouts.hpp"

#include "onewindow/core/case_store.hpp"  // status_label()
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"

namespace onewindow::store {

void check_hand_out(const HandOut& hand_out) {
    const std::string now = check_now(hand_out.now);
    if (hand_out.item_codes.empty())
        throw Error(ErrorKind::Input, tr("Choose the items whose results are handed out"));
    if (hand_out.collector.empty())
        throw Error(ErrorKind::Input, tr("The name of whoever collects the results is needed"));
    if (auto problem =
            id_number_problem(hand_out.collector_id_number, *Date::parse(now.substr(0, 10))))
        throw Error(ErrorKind::Input, trf("The collector's ID number: {}", *problem));
}

void check_hand_out_item(const std::string& code, const std::string& status) {
    if (status == "handed_out")
        throw Error(ErrorKind::Input, trf("The result of {} was handed out already", code));
    if (status != "approved" && status != "rejected")
        throw Error(ErrorKind::Input,
                    trf("{} is not decided yet ({})", code, status_label(status)));
}

void HandOutRepository::record_hand_out(const HandOut& hand_out) {
    check_hand_out(hand_out);
    const std::string now = check_now(hand_out.now);
    Transaction transaction(db_);
    Statement find = db_.prepare(
        "SELECT i.id, i.status, c.id, c.counter FROM case_items i JOIN"
        " cases c ON c.id = i.case_id WHERE c.number = ? AND i.code = ?" +
        db_.for_update("i"));
    long long case_id = 0;
    std::string counter;
    for (const auto& code : hand_out.item_codes) {
        find.bind(1, hand_out.case_number).bind(2, code);
        if (!find.step())
            throw Error(ErrorKind::NotFound,
                        trf("Case {} has no item {}", hand_out.case_number, code));
        const long long item_id = find.int64(0);
        const std::string status = find.text(1);
        case_id = find.int64(2);
        counter = find.text(3);
        find.reset();
        check_hand_out_item(code, status);
        db_.cached(
               "INSERT INTO hand_outs (case_item_id, collector, collector_id_number, proof,"
               " clerk, handed_out_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, item_id)
            .bind(2, hand_out.collector)
            .bind(3, hand_out.collector_id_number)
            .bind(4, hand_out.proof)
            .bind(5, hand_out.clerk)
            .bind(6, now)
            .run();
        db_.cached("UPDATE case_items SET status = 'handed_out' WHERE id = ?")
            .bind(1, item_id)
            .run();
    }
    db_.cached(
           "UPDATE cases SET status = 'handed_out' WHERE id = ?1 AND NOT EXISTS"
           " (SELECT 1 FROM case_items WHERE case_id = ?1"
           " AND status NOT IN ('handed_out', 'cancelled'))")
        .bind(1, case_id)
        .run();
    std::string items;
    for (const auto& code : hand_out.item_codes) items += (items.empty() ? "" : ",") + code;
    if (!hand_out.counter.empty()) counter = hand_out.counter;  // handed out at another window
    db_.append_audit(
        AuditEvent{0, now, hand_out.clerk, counter, "case.handed_out", hand_out.case_number,
                   detail_json({{"items", items},
                                {"collector", hand_out.collector},
                                {"id_number", mask_id_number(hand_out.collector_id_number)},
                                {"proof", hand_out.proof}}),
                   true, ""});
    transaction.commit();
}

long long HandOutRepository::record_rating(const std::string& case_number, int level,
                                           const std::string& comment,
                                           const std::optional<std::string>& when,
                                           int follow_up_days) {
    const std::string now = check_now(when);
    if (level < 1 || level > 5)
        throw Error(ErrorKind::Input,
                    tr("A rating is from 1 (very dissatisfied) to 5 (very satisfied)"));
    Transaction transaction(db_);
    // The case's row stays locked until the rating is in: a case is rated once a day, even when
    // two counters try at once.
    Statement find =
        db_.prepare("SELECT id, counter FROM cases WHERE number = ?" + db_.for_update());
    find.bind(1, case_number);
    if (!find.step()) throw Error(ErrorKind::NotFound, trf("There is no case {}", case_number));
    const long long case_id = find.int64(0);
    const std::string counter = find.text(1);
    Statement rated = db_.prepare(
        "SELECT count(*) FROM ratings WHERE case_id = ? AND substr(rated_at, 1, 10) = ?");
    rated.bind(1, case_id).bind(2, now.substr(0, 10));
    rated.step();
    if (rated.int64(0) > 0)
        throw Error(ErrorKind::Input, trf("Case {} was rated today already", case_number));
    const std::string follow_up =
        level <= 2
            ? calendar_.add_working_days(*Date::parse(now.substr(0, 10)), follow_up_days).iso()
            : std::string();
    Statement add = db_.prepare(
        "INSERT INTO ratings (case_id, level, comment, rated_at, follow_up_by)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id");
    add.bind(1, case_id).bind(2, level).bind(3, comment).bind(4, now).bind(5, follow_up);
    add.step();
    const long long id = add.int64(0);
    db_.append_audit(AuditEvent{0, now, "applicant", counter, "case.rated", case_number,
                                detail_json({{"level", std::to_string(level)}}), true, ""});
    transaction.commit();
    return id;
}

void HandOutRepository::resolve_rating(long long id, const std::string& resolution,
                                       const std::string& actor) {
    if (resolution.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(ErrorKind::Input, tr("Say how the rating was resolved"));
    const std::string now = local_timestamp_now();
    Transaction transaction(db_);
    const long long changed =
        db_.prepare(
               "UPDATE ratings SET resolution = ?, resolved_by = ?, resolved_at = ?"
               " WHERE id = ? AND follow_up_by <> '' AND resolved_at = ''")
            .bind(1, resolution)
            .bind(2, actor)
            .bind(3, now)
            .bind(4, id)
            .run();
    if (changed != 1)
        throw Error(ErrorKind::NotFound, trf("There is no open bad rating {}", std::to_string(id)));
    db_.append_audit(
        AuditEvent{0, now, actor, "", "rating.resolved", std::to_string(id), "{}", true, ""});
    transaction.commit();
}

std::vector<Rating> HandOutRepository::open_bad_ratings() const {
    Statement q = db_.prepare(
        "SELECT r.id, c.number, r.level, r.comment, r.rated_at, r.follow_up_by"
        " FROM ratings r JOIN cases c ON c.id = r.case_id"
        " WHERE r.follow_up_by <> '' AND r.resolved_at = '' ORDER BY r.follow_up_by, r.id");
    std::vector<Rating> out;
    while (q.step()) {
        Rating r;
        r.id = q.int64(0);
        r.case_number = q.text(1);
        r.level = q.integer(2);
        r.comment = q.text(3);
        r.rated_at = q.text(4);
        r.follow_up_by = Date::parse(q.text(5));
        out.push_back(r);
    }
    return out;
}

}  // namespace onewindow::store
