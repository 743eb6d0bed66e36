// Hand-out of results at the window and the applicants' ratings (see case_store.hpp).
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "store_internal.hpp"

namespace onewindow {

void CaseStore::record_hand_out(const HandOut& hand_out) {
    const std::string now = check_now(hand_out.now);
    if (hand_out.item_codes.empty())
        throw Error(ErrorKind::Input, tr("Choose the items whose results are handed out"));
    if (hand_out.collector.empty())
        throw Error(ErrorKind::Input, tr("The name of whoever collects the results is needed"));
    if (auto problem =
            id_number_problem(hand_out.collector_id_number, *Date::parse(now.substr(0, 10))))
        throw Error(ErrorKind::Input, trf("The collector's ID number: {}", *problem));
    guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement find(*db_,
                               "SELECT i.id, i.status, c.id, c.counter FROM case_items i JOIN"
                               " cases c ON c.id = i.case_id WHERE c.number = ? AND i.code = ?");
        long long case_id = 0;
        std::string counter;
        for (const auto& code : hand_out.item_codes) {
            find.bind(1, hand_out.case_number);
            find.bind(2, code);
            if (!find.executeStep())
                throw Error(ErrorKind::NotFound,
                            trf("Case {} has no item {}", hand_out.case_number, code));
            const long long item_id = find.getColumn(0).getInt64();
            const std::string status = find.getColumn(1).getString();
            case_id = find.getColumn(2).getInt64();
            counter = find.getColumn(3).getString();
            find.reset();
            if (status == "handed_out")
                throw Error(ErrorKind::Input, trf("The result of {} was handed out already", code));
            if (status != "approved" && status != "rejected")
                throw Error(ErrorKind::Input,
                            trf("{} is not decided yet ({})", code, status_label(status)));
            SQLite::Statement add(*db_,
                                  "INSERT INTO hand_outs (case_item_id, collector,"
                                  " collector_id_number, proof, clerk, handed_out_at)"
                                  " VALUES (?, ?, ?, ?, ?, ?)");
            add.bind(1, static_cast<int64_t>(item_id));
            add.bind(2, hand_out.collector);
            add.bind(3, hand_out.collector_id_number);
            add.bind(4, hand_out.proof);
            add.bind(5, hand_out.clerk);
            add.bind(6, now);
            add.exec();
            SQLite::Statement done(*db_,
                                   "UPDATE case_items SET status = 'handed_out' WHERE id = ?");
            done.bind(1, static_cast<int64_t>(item_id));
            done.exec();
        }
        SQLite::Statement all(*db_,
                              "UPDATE cases SET status = 'handed_out' WHERE id = ?1 AND NOT EXISTS"
                              " (SELECT 1 FROM case_items WHERE case_id = ?1 AND"
                              " status <> 'handed_out')");
        all.bind(1, static_cast<int64_t>(case_id));
        all.exec();
        std::string items;
        for (const auto& code : hand_out.item_codes) items += (items.empty() ? "" : ",") + code;
        append_audit(
            *statements_,
            AuditEvent{0, now, hand_out.clerk, counter, "case.handed_out", hand_out.case_number,
                       detail_json({{"items", items},
                                    {"collector", hand_out.collector},
                                    {"id_number", mask_id_number(hand_out.collector_id_number)},
                                    {"proof", hand_out.proof}}),
                       true, ""});
        transaction.commit();
        return 0;
    });
}

long long CaseStore::record_rating(const std::string& case_number, int level,
                                   const std::string& comment,
                                   const std::optional<std::string>& when) {
    const std::string now = check_now(when);
    if (level < 1 || level > 5)
        throw Error(ErrorKind::Input,
                    tr("A rating is from 1 (very dissatisfied) to 5 (very satisfied)"));
    return guarded(db_file_, [&]() -> long long {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement find(*db_, "SELECT id, counter FROM cases WHERE number = ?");
        find.bind(1, case_number);
        if (!find.executeStep())
            throw Error(ErrorKind::NotFound, trf("There is no case {}", case_number));
        const long long case_id = find.getColumn(0).getInt64();
        const std::string counter = find.getColumn(1).getString();
        SQLite::Statement rated(*db_,
                                "SELECT count(*) FROM ratings WHERE case_id = ? AND"
                                " substr(rated_at, 1, 10) = ?");
        rated.bind(1, static_cast<int64_t>(case_id));
        rated.bind(2, now.substr(0, 10));
        rated.executeStep();
        if (rated.getColumn(0).getInt64() > 0)
            throw Error(ErrorKind::Input, trf("Case {} was rated today already", case_number));
        const std::string follow_up =
            level <= 2 ? calendar_.add_working_days(*Date::parse(now.substr(0, 10)), 15).iso()
                       : std::string();
        SQLite::Statement add(
            *db_,
            "INSERT INTO ratings (case_id, level, comment, rated_at, follow_up_by)"
            " VALUES (?, ?, ?, ?, ?)");
        add.bind(1, static_cast<int64_t>(case_id));
        add.bind(2, level);
        add.bind(3, comment);
        add.bind(4, now);
        add.bind(5, follow_up);
        add.exec();
        const long long id = db_->getLastInsertRowid();
        append_audit(*statements_,
                     AuditEvent{0, now, "applicant", counter, "case.rated", case_number,
                                detail_json({{"level", std::to_string(level)}}), true, ""});
        transaction.commit();
        return id;
    });
}

void CaseStore::resolve_rating(long long id, const std::string& resolution,
                               const UserAccount& supervisor) {
    require(supervisor, Permission::ResolveRatings, "bad rating " + std::to_string(id));
    const std::string& actor = supervisor.name;
    if (resolution.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(ErrorKind::Input, tr("Say how the rating was resolved"));
    const std::string now = local_timestamp_now();
    guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement update(*db_,
                                 "UPDATE ratings SET resolution = ?, resolved_by = ?,"
                                 " resolved_at = ? WHERE id = ? AND follow_up_by <> ''"
                                 " AND resolved_at = ''");
        update.bind(1, resolution);
        update.bind(2, actor);
        update.bind(3, now);
        update.bind(4, static_cast<int64_t>(id));
        if (update.exec() != 1)
            throw Error(ErrorKind::NotFound,
                        trf("There is no open bad rating {}", std::to_string(id)));
        append_audit(*statements_, AuditEvent{0, now, actor, "", "rating.resolved",
                                              std::to_string(id), "{}", true, ""});
        transaction.commit();
        return 0;
    });
}

std::vector<Rating> CaseStore::open_bad_ratings() const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_,
                            "SELECT r.id, c.number, r.level, r.comment, r.rated_at, r.follow_up_by"
                            " FROM ratings r JOIN cases c ON c.id = r.case_id"
                            " WHERE r.follow_up_by <> '' AND r.resolved_at = ''"
                            " ORDER BY r.follow_up_by, r.id");
        std::vector<Rating> out;
        while (q.executeStep()) {
            Rating r;
            r.id = q.getColumn(0).getInt64();
            r.case_number = q.getColumn(1).getString();
            r.level = q.getColumn(2).getInt();
            r.comment = q.getColumn(3).getString();
            r.rated_at = q.getColumn(4).getString();
            r.follow_up_by = Date::parse(q.getColumn(5).getString());
            out.push_back(r);
        }
        return out;
    });
}

}  // namespace onewindow
