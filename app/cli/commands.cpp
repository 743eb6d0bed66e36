#include "commands.hpp"

#include <termios.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "onewindow/core/admin.hpp"
#include "onewindow/core/backup.hpp"
#include "onewindow/core/case_desk.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/catalogue_import.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/guide.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/intake.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_data.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/plugin_scaffold.hpp"
#include "onewindow/core/printing.hpp"
#include "onewindow/core/report.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/core/supervision.hpp"
#include "onewindow/core/version.hpp"
#include "onewindow/store/counter_log.hpp"

namespace fs = std::filesystem;

namespace onewindow {
namespace {

constexpr int kUsage = 64;
constexpr int kNotice = 10;

const char* kUsageText =
    N_("Usage: onewindow-cli [--data DIR] [--store LOCATION] <command> ...\n"
       "  intake <case.json> [--receipt FILE.pdf] [--notice FILE.pdf]\n"
       "                                 validate a case; accept it or issue a one-time notice\n"
       "  refuse <case.json> --reason TEXT [--apply-to BODY]\n"
       "                                 record a refusal to accept, with its reason\n"
       "  print receipt|notice|refusal|supplement <number> -o FILE.pdf\n"
       "                                 write an acceptance receipt, a one-time notice, a\n"
       "                                 refusal notice or the receipt of supplied materials\n"
       "  print result|correction <case-number> <item-code> -o FILE.pdf\n"
       "                                 write the result document of an approved item, or\n"
       "                                 the correction notice the back office asked for\n"
       "  print receipt|notice|refusal|supplement <number> --printer NAME [--copies N]\n"
       "                                 [--paper A4|A5]\n"
       "  print result|correction <case-number> <item-code> --printer NAME [--copies N]\n"
       "                                 [--paper A4|A5]\n"
       "                                 print it on a printer of this computer (CUPS)\n"
       "  printers                       list the printers and their state\n"
       "  report daily [--date DAY] [--counter CODE] [-o FILE.pdf|FILE.csv] [--user NAME]\n"
       "  report period --from DAY --to DAY [--counter CODE] [-o FILE.pdf|FILE.csv]\n"
       "         [--user NAME]\n"
       "                                 the counter log of a day or period (all counters\n"
       "                                 unless --counter), compared with the period before;\n"
       "                                 -o prints it as PDF or writes its rows as CSV; once\n"
       "                                 an administrator exists, as the signed-in supervisor\n"
       "                                 NAME (password as for admin)\n"
       "  hand-out <number> <item>... --collector NAME [--id-number-file FILE] [--proof TEXT]\n"
       "           [--printer NAME]      print the results, then record their hand-out (the\n"
       "                                 collector's ID number typed, or from FILE)\n"
       "  supply <case-number>           what the applicant may still bring: tolerated gaps\n"
       "                                 not supplied yet, materials a correction asks for\n"
       "  supply <case-number> KEY=SCAN... [--item CODE]\n"
       "                                 record the materials brought at this counter (the\n"
       "                                 tolerated gaps; with --item, what the correction of\n"
       "                                 that item asks for), each with its scan; they go to\n"
       "                                 the departments with the next dispatch\n"
       "  rate <number> <1-5> [--comment TEXT]\n"
       "                                 record the applicant's rating of the visit\n"
       "  backup --to DIR [--keep N]     back up the cases and materials online (keep the N\n"
       "                                 newest backups, 14 by default)\n"
       "  backup --scheduled             back up as <data>/backup.json says, when one is due\n"
       "                                 (run it hourly from cron; the shell does it itself)\n"
       "  restore BACKUP-FOLDER          restore a backup into the (new, empty) data folder\n"
       "  catalogue [TEXT]               list service items (search by name, code, keyword)\n"
       "  catalogue import FILE.csv      map a province's item list (code, name, department,\n"
       "                                 type, limits, basis) onto the catalogue; report what\n"
       "                                 cannot be mapped\n"
       "  guide <item-code> -o FILE.pdf  print the service guide of an item\n"
       "  guide --all -o FILE.pdf        every item's guide as one booklet with a table of\n"
       "                                 contents by department and page numbers\n"
       "  check [PATH...]                check forms, templates and plugin manifests\n"
       "  check TEMPLATE... --sample DATA.json\n"
       "                                 also fill the templates with sample data: unknown\n"
       "                                 bindings, text that does not fit its box\n"
       "  audit verify [--keys FOLDER]   verify the hash chain of the audit log (with the\n"
       "                                 other counters' audit.key files in FOLDER, their\n"
       "                                 events too)\n"
       "  dispatch --once                send the accepted items due to their back offices\n"
       "  dispatch --every SECONDS       send and fetch decisions every SECONDS until stopped\n"
       "  pull --once                    fetch the back offices' decisions on our cases\n"
       "  outbox [list] [--today DAY]    every item on its way to a back office, with its state\n"
       "                                 (an agent's items also with their forwarding deadline\n"
       "                                 and its colour on DAY: green; yellow when due within a\n"
       "                                 working day; red when overdue)\n"
       "  outbox forwarding [--today DAY]\n"
       "                                 an agent's items not forwarded yet, how many are late\n"
       "  outbox retry <case>/<item>     send an item again (after fixing why it was refused;\n"
       "                                 an item held for a prerequisite that was not approved:\n"
       "                                 send it without waiting for that one)\n"
       "  outbox cancel <case>/<item> --reason TEXT\n"
       "                                 withdraw an item not sent (one held for a prerequisite)\n"
       "  admin --user NAME <what> ...   administration as the signed-in user NAME (password\n"
       "                                 from $ONEWINDOW_PASSWORD, else a line of stdin):\n"
       "    endpoints list | remove NAME | test NAME\n"
       "    endpoints set NAME --url URL --secret-file FILE [--ca-file FILE]\n"
       "    agent --upper-centre NAME | --off\n"
       "                                 agent mode: every item goes to the upper centre\n"
       "    client CODE                  this counter's id at the back offices\n"
       "    users list | disable NAME | enable NAME | role NAME ROLE\n"
       "    users add NAME --role ROLE --counter CODE --display-name TEXT\n"
       "              [--password-file FILE]\n"
       "    users password NAME [--password-file FILE]\n"
       "                                 (the new password from the file, else the next line of\n"
       "                                 stdin; ROLE: clerk, supervisor or administrator)\n"
       "    holidays list YEAR | add DATE --name TEXT | remove DATE\n"
       "    holidays workday DATE [--name TEXT]\n"
       "                                 a Saturday or Sunday worked (make-up working day)\n"
       "    plugins trust <folder>...    trust the plugins in these folders (all their files)\n"
       "    plugins list                 every plugin found, its digest and whether it is trusted\n"
       "    plugins untrust <id>...      trust these plugins no more (from the next start)\n"
       "    store join --to postgresql://...\n"
       "                                 move this counter's cases, audit log and scans into\n"
       "                                 the service centre's store and work on it from now on\n"
       "    store migrate --from FOLDER --to postgresql://...\n"
       "                                 copy another counter's data folder (its cases, audit\n"
       "                                 log and scans) into a store; again: nothing copied\n"
       "  admin init NAME --display-name TEXT [--counter CODE] [--password-file FILE]\n"
       "                                 the first administrator of a new counter\n"
       "  plugins [list]                 every plugin with its state, and why it does not run\n"
       "  plugins trust <folder>...      the same while no administrator exists (set-up)\n"
       "  plugins check <folder> [--settings FILE]\n"
       "                                 check a plugin folder as the counter loads it (for\n"
       "                                 plugin developers)\n"
       "  plugins new <id> --department NAME [--dir DIR]\n"
       "                                 write a new plugin folder to start from (DIR/<id>)\n"
       "  demo                           prepare the demo data and take in two demo cases\n"
       "The data folder defaults to $ONEWINDOW_DATA, else ~/.local/share/onewindow.\n");

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;  // --name value, -o value
};

Args parse_args(const std::vector<std::string>& args, std::size_t from) {
    Args parsed;
    for (std::size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--all" || a == "--scheduled" || a == "--off") {  // the options without a value
            parsed.options[a] = "";
        } else if ((a.rfind("--", 0) == 0 || a == "-o") && a.size() > 1) {
            if (i + 1 >= args.size())
                throw Error(ErrorKind::Input, trf("Option {} needs a value", a));
            parsed.options[a] = args[++i];
        } else {
            parsed.positional.push_back(a);
        }
    }
    return parsed;
}

// --store LOCATION: the case store to use instead of the one counter.json names (run_cli()).
std::optional<std::string> store_option;

std::unique_ptr<Counter> open_counter(const fs::path& data_dir) {
    return Counter::open(Counter::Options{install_root(), data_dir, store_option});
}

void print_problems(std::ostream& out, const std::vector<IntakeProblem>& problems) {
    for (const auto& p : problems) out << "  - " << p.subject << "：" << p.reason << '\n';
}

int cmd_intake(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    if (args.positional.size() != 1) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto request = IntakeRequest::load(args.positional[0]);
    auto counter = open_counter(data_dir);
    Intake intake(Session::local_operator(*counter));
    auto outcome = intake.accept(request);
    switch (outcome.kind) {
        case IntakeOutcome::Kind::Accepted:
            out << "ACCEPTED " << outcome.number << '\n';
            out << trf("Case {} accepted", outcome.number) << '\n';
            print_problems(out, outcome.warnings);
            if (auto it = args.options.find("--receipt"); it != args.options.end()) {
                intake.print_receipt(outcome.number, it->second);
                out << trf("Receipt written to {}", it->second) << '\n';
            }
            return 0;
        case IntakeOutcome::Kind::Notice:
            out << "NOTICE " << outcome.number << '\n';
            out << trf("Materials are missing: one-time notice {} issued", outcome.number) << '\n';
            print_problems(out, outcome.problems);
            if (auto it = args.options.find("--notice"); it != args.options.end()) {
                intake.print_notice(outcome.number, it->second);
                out << trf("Notice written to {}", it->second) << '\n';
            }
            return kNotice;
        case IntakeOutcome::Kind::Invalid:
            out << "INVALID\n";
            out << tr("The form has errors; nothing was recorded:") << '\n';
            print_problems(out, outcome.problems);
            return static_cast<int>(ErrorKind::Input);
    }
    return 1;
}

int cmd_refuse(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    auto reason = args.options.find("--reason");
    if (args.positional.size() != 1 || reason == args.options.end()) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto request = IntakeRequest::load(args.positional[0]);
    auto apply_to = args.options.find("--apply-to");  // outside the departments' remit
    auto counter = open_counter(data_dir);
    const std::string number = Intake(Session::local_operator(*counter))
                                   .refuse(request, reason->second,
                                           apply_to == args.options.end() ? "" : apply_to->second);
    out << "REFUSED " << number << '\n' << trf("Refusal {} recorded", number) << '\n';
    return 0;
}

int cmd_print(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    auto output = args.options.find("-o");
    auto printer = args.options.find("--printer");
    const std::string what = args.positional.empty() ? "" : args.positional[0];
    // result (and correction) documents are of one item of a case: <case-number> <item-code>
    const bool of_item = what == "result" || what == "correction";
    if (args.positional.size() != (of_item ? 3u : 2u) ||
        (what != "receipt" && what != "notice" && what != "refusal" && what != "supplement" &&
         !of_item) ||
        (output == args.options.end()) == (printer == args.options.end())) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto counter = open_counter(data_dir);
    const std::string& number = args.positional[1];
    const std::string name = of_item ? number + "-" + args.positional[2] : number;
    // A print job is rendered into the data folder first: the file CUPS prints is the file the
    // preview shows.
    const fs::path file = output != args.options.end()
                              ? fs::path(output->second)
                              : data_dir / "print" / (name + "-" + what + ".pdf");
    fs::create_directories(fs::absolute(file).parent_path());
    const Session session = Session::local_operator(*counter);
    if (what == "receipt")
        Intake(session).print_receipt(number, file);
    else if (what == "notice")
        Intake(session).print_notice(number, file);
    else if (what == "refusal")
        Intake(session).print_refusal(number, file);
    else if (what == "supplement")
        CaseDesk(session).print_supplement(number, file);
    else if (what == "result")
        CaseDesk(session).print_result(number, args.positional[2], file);
    else
        CaseDesk(session).print_correction(number, args.positional[2], file);
    if (printer == args.options.end()) {
        out << trf("Written to {}", file.string()) << '\n';
        return 0;
    }
    PrintOptions options;
    options.printer = printer->second;
    if (auto copies = args.options.find("--copies"); copies != args.options.end()) {
        const auto& text = copies->second;
        if (text.empty() || text.size() > 2 || text.find_first_not_of("0123456789") != text.npos)
            throw Error(ErrorKind::Input, tr("Copies must be between 1 and 99"));
        options.copies = std::stoi(text);
    }
    if (auto paper = args.options.find("--paper"); paper != args.options.end())
        options.media = paper->second;
    const std::string job = print_pdf(file, options);
    out << "PRINTED " << job << '\n'
        << trf("Sent to the printer {} (job {})", options.printer, job) << '\n';
    return 0;
}

Date day_option(const Args& args, const std::string& name, std::optional<Date> fallback) {
    auto found = args.options.find(name);
    if (found == args.options.end()) {
        if (fallback) return *fallback;
        throw Error(ErrorKind::Input, trf("Option {} is needed", name));
    }
    auto day = Date::parse(found->second);
    if (!day)
        throw Error(ErrorKind::Input,
                    trf("{}: \"{}\" is not a date YYYY-MM-DD", name, found->second));
    return *day;
}

std::string joined_counts(const std::vector<LogCount>& counts) {
    std::string out;
    for (const auto& c : counts)
        out += (out.empty() ? "" : "、") + c.name + " " + std::to_string(c.count);
    return out.empty() ? "-" : out;
}

Session sign_in_user(Counter& counter, const std::string& name);  // below
std::string secret_line(const std::string& file, const std::string& what, bool hidden,
                        const std::string& prompt);
std::string option(const Args& args, const std::string& name);

int cmd_report(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    const std::string kind = args.positional.empty() ? "" : args.positional[0];
    if (args.positional.size() != 1 || (kind != "daily" && kind != "period")) {
        err << tr(kUsageText);
        return kUsage;
    }
    LogPeriod period;
    if (kind == "daily") {
        period.from = period.to = day_option(args, "--date", Date::today());
    } else {
        period.from = day_option(args, "--from", std::nullopt);
        period.to = day_option(args, "--to", std::nullopt);
        if (period.to < period.from)
            throw Error(ErrorKind::Input, tr("--to: the period ends before it begins"));
    }
    if (auto counter = args.options.find("--counter"); counter != args.options.end())
        period.counter = counter->second;
    auto counter = open_counter(data_dir);
    // Reports are for supervisors: once the counter has an administrator (it is set up), the
    // command line reads them as a signed-in user, as the window does; refusals are audited.
    const auto user = args.options.find("--user");
    if (user == args.options.end())
        Administration::require_first_setup(*counter, N_("read the counter log"));
    const Supervision supervision(user != args.options.end() ? sign_in_user(*counter, user->second)
                                                             : Session::local_operator(*counter));
    const CounterLog log = supervision.log(period);
    if (auto file = args.options.find("-o"); file != args.options.end()) {
        const std::string ext = fs::path(file->second).extension().string();
        if (ext == ".pdf") {
            supervision.print_log(supervision.logs(period), file->second);
        } else if (ext == ".csv") {
            std::ofstream csv(file->second, std::ios::binary);
            csv << supervision.csv(period);
            if (!csv.flush())
                throw Error(ErrorKind::Document, trf("{}: cannot be written", file->second));
        } else {
            throw Error(ErrorKind::Input,
                        trf("-o {}: the log is written as .pdf or .csv", file->second));
        }
        out << trf("Written to {}", file->second) << '\n';
        return 0;
    }
    out << trf("Counter log {} to {}, {}", period.from.chinese(), period.to.chinese(),
               period.counter.empty() ? tr("all counters") : period.counter)
        << '\n';
    out << intake_summary(log) << '\n';
    out << trf("By clerk: {}", joined_counts(log.by_clerk)) << '\n';
    out << trf("By department: {}", joined_counts(log.by_department)) << '\n';
    out << trf("By item: {}", joined_counts(log.by_item)) << '\n';
    out << trf("By hour: {}", joined_counts(hour_counts(log))) << '\n';
    out << decision_summary(log) << '\n'
        << hand_out_summary(log) << '\n'
        << open_summary(log) << '\n';
    for (const auto& item : log.pending)
        if (item.state == DeadlineState::Overdue || item.state == DeadlineState::DueSoon)
            out << (item.state == DeadlineState::Overdue ? tr("overdue") : tr("due soon")) << '\t'
                << item.case_number << '\t' << item.item_name << '\t' << item.department_name
                << '\t' << item.clerk << '\t' << item.promised_date.chinese() << '\n';
    return 0;
}

int cmd_hand_out(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    auto collector = args.options.find("--collector");
    if (args.positional.size() < 2 || collector == args.options.end()) {
        err << tr(kUsageText);
        return kUsage;
    }
    // Not on the command line, where every user of the PC reads it (ps, /proc/<pid>/cmdline).
    if (args.options.count("--id-number"))
        throw Error(ErrorKind::Input,
                    tr("--id-number: the ID number is not taken on the command line, where other "
                       "users of the computer can read it; type it when asked, or give "
                       "--id-number-file FILE"));
    HandOut hand_out;
    hand_out.case_number = args.positional[0];
    hand_out.item_codes.assign(args.positional.begin() + 1, args.positional.end());
    hand_out.collector = collector->second;
    hand_out.collector_id_number = secret_line(option(args, "--id-number-file"), "--id-number-file",
                                               false, tr("ID number of the collector: "));
    if (auto proof = args.options.find("--proof"); proof != args.options.end())
        hand_out.proof = proof->second;
    std::optional<PrintOptions> printer;
    if (auto name = args.options.find("--printer"); name != args.options.end())
        printer = PrintOptions{name->second, 1, "A4"};
    auto counter = open_counter(data_dir);
    hand_out.clerk = counter->config().code;
    for (const auto& file : CaseDesk(Session::local_operator(*counter)).hand_out(hand_out, printer))
        out << trf("Written to {}", file.string()) << '\n';
    out << "HANDED_OUT " << hand_out.case_number << '\n';
    return 0;
}

int cmd_supply(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    if (args.positional.empty()) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto counter = open_counter(data_dir);
    const CaseDesk desk(Session::local_operator(*counter));
    const std::string& number = args.positional[0];
    if (args.positional.size() == 1) {  // what is outstanding
        for (const auto& o : desk.outstanding(number))
            for (const auto& m : o.materials)
                out << supply_reason_label(o.reason) << '\t' << o.item_code << '\t' << m.key << '\t'
                    << m.name << '\t' << m.why << '\n';
        return 0;
    }
    SupplyRequest request;
    request.case_number = number;
    request.item_code = option(args, "--item");
    request.reason = request.item_code.empty() ? "tolerated" : "correction";
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        const std::string& given = args.positional[i];
        const auto eq = given.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == given.size())
            throw Error(ErrorKind::Input, trf("{}: give each material as KEY=SCAN-FILE", given));
        SupplyMaterial m;
        m.key = given.substr(0, eq);
        m.file = given.substr(eq + 1);
        m.copies = 1;
        request.materials.push_back(std::move(m));
    }
    const SupplyResult result = desk.supply(request);
    std::string items;
    for (const auto& code : result.items) items += (items.empty() ? "" : ",") + code;
    out << "SUPPLIED " << result.number << ' ' << (items.empty() ? "-" : items) << '\n';
    return 0;
}

int cmd_rate(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    if (args.positional.size() != 2 || args.positional[1].size() != 1 ||
        !std::isdigit(static_cast<unsigned char>(args.positional[1][0]))) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto comment = args.options.find("--comment");
    auto counter = open_counter(data_dir);
    const long long id = CaseDesk(Session::local_operator(*counter))
                             .rate(args.positional[0], args.positional[1][0] - '0',
                                   comment == args.options.end() ? std::string() : comment->second);
    out << "RATED " << id << '\n';
    return 0;
}

int print_backup(const BackupResult& result, std::ostream& out);

int cmd_backup(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    auto to = args.options.find("--to");
    if (args.options.count("--scheduled") && args.positional.empty() && args.options.size() == 1) {
        // For cron: back up only when <data>/backup.json says one is due.
        const auto schedule = BackupSchedule::load(data_dir);
        if (!schedule)
            throw Error(ErrorKind::NotFound, trf("{} is missing: no backup is scheduled",
                                                 (data_dir / "backup.json").string()));
        if (!backup_due(*schedule, local_timestamp_now())) {
            out << "NOT-DUE\n"
                << trf("The last backup ({}) is recent enough",
                       newest_backup_time(schedule->folder).value_or(""))
                << '\n';
            return 0;
        }
        return print_backup(backup_counter(data_dir, schedule->folder, schedule->keep), out);
    }
    if (!args.positional.empty() || to == args.options.end()) {
        err << tr(kUsageText);
        return kUsage;
    }
    int keep = 14;
    if (auto k = args.options.find("--keep"); k != args.options.end()) {
        if (k->second.empty() || k->second.size() > 4 ||
            k->second.find_first_not_of("0123456789") != std::string::npos || k->second == "0")
            throw Error(ErrorKind::Input,
                        trf("--keep: \"{}\" is not a number of backups", k->second));
        keep = std::stoi(k->second);
    }
    return print_backup(backup_counter(data_dir, to->second, keep), out);
}

int print_backup(const BackupResult& result, std::ostream& out) {
    out << "BACKUP " << result.folder.string() << '\n'
        << trf("Backed up {} cases and {} new material files to {}", std::to_string(result.cases),
               std::to_string(result.material_files), result.folder.string())
        << '\n';
    if (result.secrets_left_out)
        out << tr("The shared secrets of exchange.json are not in the backup: after a restore, "
                  "the administrator enters them again")
            << '\n';
    for (const auto& old : result.removed)
        out << trf("Removed the old backup {}", old.string()) << '\n';
    return 0;
}

int cmd_restore(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    if (args.positional.size() != 1) {
        err << tr(kUsageText);
        return kUsage;
    }
    // --store: the (empty) database a centre's backup is restored into.
    const auto without_secret = restore_counter(args.positional[0], data_dir, store_option);
    out << trf("Restored {} into {}", args.positional[0], data_dir.string()) << '\n';
    std::string names;
    for (const auto& name : without_secret) names += (names.empty() ? "" : "、") + name;
    if (!names.empty())
        out << trf("Backups keep no shared secret: enter the secrets of exchange.json again for {}",
                   names)
            << '\n';
    return 0;
}

int cmd_printers(std::ostream& out) {
    const auto printers = list_printers();
    if (printers.empty()) {
        out << tr("No printer is set up on this computer: ask the administrator to add one")
            << '\n';
        return 0;
    }
    const auto fallback = default_printer();
    for (const auto& p : printers)
        out << p.name << '\t' << (p.accepting ? tr("ready") : tr("stopped"))
            << (fallback && *fallback == p.name ? std::string("\t") + tr("default") : std::string())
            << '\n';
    return 0;
}

int cmd_guide(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    auto output = args.options.find("-o");
    const bool all = args.options.count("--all") > 0;
    if (args.positional.size() != (all ? 0u : 1u) || output == args.options.end()) {
        err << tr(kUsageText);
        return kUsage;
    }
    if (all) {
        const GuideBooklet booklet = open_counter(data_dir)->print_guide_booklet(output->second);
        out << trf("Service guide booklet of {} items on {} pages written to {}",
                   std::to_string(booklet.entries.size()), std::to_string(booklet.pages),
                   output->second)
            << '\n';
        return 0;
    }
    open_counter(data_dir)->print_guide(args.positional[0], output->second);
    out << trf("Service guide written to {}", output->second) << '\n';
    return 0;
}

/// `catalogue import FILE.csv`: a province's item list against the catalogue; what matched (and
/// how it differs), what did not, and the catalogue's items the list lacks. Exit 0 when every
/// row and every item found its other half, 1 otherwise.
int cmd_catalogue_import(const fs::path& data_dir, const fs::path& csv, std::ostream& out) {
    auto counter = open_counter(data_dir);
    const auto mapping = map_item_list(counter->catalogue(), read_item_list(csv));
    out << "MAPPED " << mapping.matched.size() << " UNMAPPED " << mapping.unmatched.size()
        << " NOT-LISTED " << mapping.not_listed.size() << '\n';
    for (const auto& m : mapping.matched) {
        out << trf("line {}: {} {} -> {} {}", std::to_string(m.row.line), m.row.code, m.row.name,
                   m.item->code, m.item->name)
            << '\n';
        for (const auto& d : m.differences) out << "    " << d << '\n';
    }
    for (const auto& row : mapping.unmatched)
        out << trf("line {}: {} {} ({}): no item of the catalogue answers to it",
                   std::to_string(row.line), row.code, row.name, row.department)
            << '\n';
    for (const ServiceItem* item : mapping.not_listed)
        out << trf("{} {} ({}): the list has no such item", item->code, item->name,
                   item->department_name)
            << '\n';
    return mapping.unmatched.empty() && mapping.not_listed.empty() ? 0 : 1;
}

int cmd_catalogue(const fs::path& data_dir, const Args& args, std::ostream& out) {
    if (!args.positional.empty() && args.positional[0] == "import") {
        if (args.positional.size() != 2) {
            out << tr(kUsageText);
            return kUsage;
        }
        return cmd_catalogue_import(data_dir, args.positional[1], out);
    }
    auto counter = open_counter(data_dir);
    std::string query;
    for (const auto& word : args.positional) query += (query.empty() ? "" : " ") + word;
    std::vector<const ServiceItem*> found;
    if (query.empty())
        for (const auto& item : counter->catalogue().items()) found.push_back(&item);
    else
        found = counter->catalogue().search(query, 1000);
    for (const ServiceItem* item : found) {
        out << item->code << '\t' << item->name << '\t' << item->department_name << '\t'
            << (item->immediate ? std::string(tr("immediate"))
                                : trf("{} working days", std::to_string(item->promised_days)))
            << '\n';
    }
    if (found.empty()) {
        out << tr("No service item found") << '\n';
        return static_cast<int>(ErrorKind::NotFound);
    }
    return 0;
}

int cmd_check(const Args& args, std::ostream& out, std::ostream& err) {
    std::vector<fs::path> paths;
    for (const auto& p : args.positional) paths.emplace_back(p);
    if (paths.empty()) {
        paths.push_back(share_dir() / "forms");
        paths.push_back(share_dir() / "templates");
        paths.push_back(bundled_plugins_dir());
    }
    Issues issues;
    std::size_t files = 0;
    Issues dictionary_issues;
    std::optional<Dictionary> dictionary;
    fs::path fields = share_dir() / "forms" / "fields.json";
    for (const auto& p : paths)
        if (fs::is_directory(p) && fs::exists(p / "fields.json")) fields = p / "fields.json";
    if (fs::exists(fields)) dictionary = Dictionary::load(fields, dictionary_issues);
    issues.append(dictionary_issues);

    std::vector<fs::path> form_files, template_files, manifests, plugin_dirs;
    auto classify = [&](const fs::path& file) {
        if (file.extension() != ".json") return;
        ++files;
        if (file.filename() == "plugin.json")
            manifests.push_back(file);
        else if (file.parent_path().filename() == "templates" ||
                 file.string().find("/templates/") != std::string::npos)
            template_files.push_back(file);
        else
            form_files.push_back(file);
    };
    for (const auto& p : paths) {
        if (!fs::exists(p)) {
            issues.add(p.string(), "$", "no such file or folder");
        } else if (fs::is_directory(p)) {
            // A plugin folder is checked as the counter loads it: its forms and templates
            // against the shared dictionary with its own fragment (plugin_data.hpp).
            if (fs::exists(p / "plugin.json")) {
                plugin_dirs.push_back(p);
                continue;
            }
            for (auto it = fs::recursive_directory_iterator(p); it != fs::end(it); ++it) {
                if (it->is_directory() && fs::exists(it->path() / "plugin.json")) {
                    plugin_dirs.push_back(it->path());
                    it.disable_recursion_pending();
                } else if (it->is_regular_file()) {
                    classify(it->path());
                }
            }
        } else {
            classify(p);
        }
    }
    // With sample data (--sample FILE.json), each template is also checked against it: unknown
    // bindings, and text that does not fit its box.
    Poco::JSON::Object::Ptr sample;
    if (auto found = args.options.find("--sample"); found != args.options.end()) {
        auto value = load_json_file(found->second);
        if (value.type() != typeid(Poco::JSON::Object::Ptr))
            throw Error(ErrorKind::Input,
                        trf("{}: the sample data must be a JSON object", found->second));
        sample = value.extract<Poco::JSON::Object::Ptr>();
    }
    for (const auto& t : template_files) {
        Issues found = check_template_file(t);
        if (found.empty() && sample) found = check_template_sample(t, sample);
        issues.append(found);
    }
    for (const auto& m : manifests) read_manifest(m, issues);
    std::vector<ServiceItem> plugin_items;  // a bundle's lead is checked against them
    for (const auto& dir : plugin_dirs) {
        Issues plugin_issues;
        const PluginManifest manifest = read_manifest(dir / "plugin.json", plugin_issues);
        for (const auto& entry : fs::recursive_directory_iterator(dir))
            if (entry.is_regular_file() && entry.path().extension() == ".json") ++files;
        if (plugin_issues.empty() && dictionary) {
            Dictionary merged = *dictionary;
            PluginData data = load_plugin_data(manifest, merged, plugin_issues);
            for (const auto& tpl : data.templates)
                if (sample) plugin_issues.append(check_template_sample(tpl.file, sample));
            for (auto& item : data.items) plugin_items.push_back(std::move(item));
        }
        issues.append(plugin_issues);
    }
    issues.append(check_form_files(form_files, dictionary ? &*dictionary : nullptr, plugin_items));
    for (const auto& issue : issues.list()) err << issue.to_string() << '\n';
    out << trf("{} files checked, {} problems", std::to_string(files),
               std::to_string(issues.size()))
        << '\n';
    return issues.empty() ? 0 : static_cast<int>(ErrorKind::Input);
}

int cmd_audit(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    const bool keys = args.options.count("--keys") > 0;
    if (args.positional.size() != 1 || args.positional[0] != "verify" ||
        args.options.size() != (keys ? 1u : 0u)) {
        err << tr(kUsageText);
        return kUsage;
    }
    // A centre's supervisor brings the other counters' audit.key files in one folder.
    std::vector<fs::path> key_files;
    if (keys) {
        const fs::path folder = option(args, "--keys");
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(folder, error))
            if (entry.is_regular_file()) key_files.push_back(entry.path());
        if (error) throw Error(ErrorKind::Input, trf("{}: {}", folder.string(), error.message()));
        std::sort(key_files.begin(), key_files.end());
    }
    auto counter = open_counter(data_dir);
    auto result = Supervision(Session::local_operator(*counter)).verify_audit(key_files);
    if (result.ok) {
        out << trf("Audit log intact: {} events verified", std::to_string(result.events)) << '\n';
        if (result.unchecked > 0)
            out << trf("{} events keyed at other counters: their links were checked, their "
                       "content is checked at those counters",
                       std::to_string(result.unchecked))
                << '\n';
        return 0;
    }
    out << trf("Audit log broken at event {}: {}", std::to_string(result.first_broken_id),
               tr(result.message.c_str()))
        << '\n';
    return static_cast<int>(ErrorKind::Integrity);
}

/// True when the arguments are exactly "--once" (the one form `dispatch` and `pull` take yet);
/// prints the usage otherwise.
bool once_only(const std::vector<std::string>& args, std::ostream& err) {
    if (args == std::vector<std::string>{"--once"}) return true;
    err << tr(kUsageText);
    return false;
}

/// <data>/exchange.json, or Error(NotFound) saying that the counter works offline.
ExchangeConfig exchange_config(const fs::path& data_dir) {
    const fs::path config_file = data_dir / "exchange.json";
    if (!fs::exists(config_file))
        throw Error(ErrorKind::NotFound,
                    trf("{} is missing: this counter works offline and sends nothing",
                        config_file.string()));
    return ExchangeConfig::load(config_file);
}

/// What a move into a store that held cases did besides copying (store/migrate.hpp).
void print_merge(const store::MigrationReport& report, std::ostream& out) {
    if (!report.merged || report.already_done) return;
    out << trf("Merged beside the cases already there: every row has a new id there; {} "
               "accounts were in both stores and stay as the target has them",
               std::to_string(report.shared_accounts))
        << '\n';
}

void print_pull(const PullReport& report, std::ostream& out) {
    out << "PULLED decisions=" << report.decisions << " errors=" << report.errors.size() << '\n';
    for (const auto& error : report.errors) out << trf("Back office not read: {}", error) << '\n';
}

int cmd_pull(const fs::path& data_dir, const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
    if (!once_only(args, err)) return kUsage;
    const auto config = exchange_config(data_dir);
    auto counter = open_counter(data_dir);
    print_pull(CaseDesk(Session::local_operator(*counter)).exchange(config, false, true).pulled,
               out);
    return 0;
}

int cmd_outbox(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    const std::string sub = args.positional.empty() ? "list" : args.positional[0];
    auto counter = open_counter(data_dir);
    const CaseDesk desk(Session::local_operator(*counter));
    const Date today = day_option(args, "--today", Date::today());
    if (sub == "list" && args.positional.size() <= 1) {
        // One row a line, tab-separated: key, endpoint, state, attempts, next attempt, error,
        // for an agent's item its forwarding deadline and that deadline's colour today, and the
        // state in words (等待「出生登记」办结后报送, 前置事项未通过，待窗口处理, ...).
        for (const auto& row : desk.outbox()) {
            out << row.idempotency_key << '\t' << row.endpoint << '\t' << row.state << '\t'
                << row.attempts << '\t' << (row.state == "pending" ? row.next_attempt_at : "")
                << '\t' << row.last_error << '\t' << row.forward_by << '\t';
            if (auto state = desk.forwarding_state(row, today)) out << deadline_colour(*state);
            out << '\t' << outbox_state_label(row) << '\n';
        }
        return 0;
    }
    if (sub == "forwarding" && args.positional.size() == 1) {
        // One item a line: colour, key, item, department, deadline, outbox state.
        const auto items = desk.awaiting_forwarding(today);
        for (const auto& item : items)
            out << deadline_colour(item.state) << '\t' << item.idempotency_key << '\t'
                << item.item_name << '\t' << item.department_name << '\t' << item.forward_by.iso()
                << '\t' << item.outbox_state << '\n';
        const ForwardingSummary summary = desk.forwarding_summary(today);
        if (summary.text().empty())
            out << trf("{} items wait to be forwarded", std::to_string(summary.waiting)) << '\n';
        else
            out << trf("{} items wait to be forwarded: {}", std::to_string(summary.waiting),
                       summary.text())
                << '\n';
        return 0;
    }
    if (sub == "retry" && args.positional.size() == 2) {
        desk.requeue(args.positional[1]);
        out << trf("{} will be sent at the next dispatch", args.positional[1]) << '\n';
        return 0;
    }
    if (sub == "cancel" && args.positional.size() == 2 && args.options.count("--reason")) {
        desk.cancel(args.positional[1], args.options.at("--reason"));
        out << trf("{} was withdrawn and will not be sent", args.positional[1]) << '\n';
        return 0;
    }
    err << tr(kUsageText);
    return kUsage;
}

void print_dispatch(const DispatchReport& report, std::ostream& out) {
    out << "DISPATCHED sent=" << report.sent << " retry=" << report.retry
        << " refused=" << report.refused << '\n';
    for (const auto& r : report.results) {
        switch (r.outcome) {
            case DispatchOutcome::Sent:
                out << trf("{}: sent to {} ({})", r.idempotency_key, r.endpoint, r.message);
                break;
            case DispatchOutcome::Retry:
                out << trf("{}: not sent ({}); next attempt at {}", r.idempotency_key, r.message,
                           r.next_attempt_at);
                break;
            case DispatchOutcome::Refused:
                out << trf("{}: refused by the back office: {}", r.idempotency_key, r.message);
                break;
        }
        out << '\n';
    }
}

/// `dispatch --every SECONDS`: a pass of dispatch and pull every SECONDS until SIGINT or SIGTERM
/// (for a counter machine that runs no shell, e.g. as a system service); prints STOPPED.
int dispatch_until_stopped(const fs::path& data_dir, int seconds, std::ostream& out) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the passes start their threads
    const auto config = exchange_config(data_dir);
    auto counter = open_counter(data_dir);
    const CaseDesk desk(Session::local_operator(*counter));
    const timespec interval{seconds, 0};
    do {
        const ExchangeReport report = desk.exchange(config);
        print_dispatch(report.sent, out);
        print_pull(report.pulled, out);
        out.flush();
    } while (sigtimedwait(&stop, nullptr, &interval) < 0);
    out << "STOPPED\n";
    return 0;
}

int cmd_dispatch(const fs::path& data_dir, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err) {
    if (args.size() == 2 && args[0] == "--every") {
        const int seconds = std::atoi(args[1].c_str());
        if (seconds >= 1 && seconds <= 3600) return dispatch_until_stopped(data_dir, seconds, out);
    }
    if (!once_only(args, err)) return kUsage;
    const auto config = exchange_config(data_dir);
    auto counter = open_counter(data_dir);
    print_dispatch(CaseDesk(Session::local_operator(*counter)).exchange(config, true, false).sent,
                   out);
    return 0;
}

/// "Trusted plugin <id> (<digest>...)" for each plugin trusted.
void print_trusted(const std::vector<TrustedPlugin>& trusted, std::ostream& out) {
    for (const auto& plugin : trusted)
        out << trf("Trusted plugin {} ({})", plugin.manifest.id, plugin.digest.substr(0, 12))
            << '\n';
}

/// `plugins check <folder> [--settings FILE]`: everything the host will load (plugin_host.hpp
/// check_plugin_folder); OK or FAILED with one line per problem.
int plugins_check(const Args& args, std::ostream& out, std::ostream& err) {
    CheckOptions options;
    Issues issues;
    options.dictionary = Dictionary::load(share_dir() / "forms" / "fields.json", issues);
    issues.throw_if_any();
    if (auto found = args.options.find("--settings"); found != args.options.end()) {
        auto value = load_json_file(found->second);
        if (value.type() != typeid(Poco::JSON::Object::Ptr))
            throw Error(ErrorKind::Input,
                        trf("{}: the settings must be a JSON object", found->second));
        options.settings = value.extract<Poco::JSON::Object::Ptr>();
    }
    issues = check_plugin_folder(args.positional[1], options);
    out << version_line("onewindow-cli") << '\n';
    for (const auto& issue : issues.list()) err << issue.to_string() << '\n';
    out << (issues.empty() ? "OK" : "FAILED") << '\n';
    return issues.empty() ? 0 : static_cast<int>(ErrorKind::Plugin);
}

/// `plugins new <id> --department NAME [--dir DIR]`: the SDK example made the new plugin's own
/// (plugin_scaffold.hpp), in DIR/<id> (DIR: the current folder).
int plugins_new(const Args& args, std::ostream& out, std::ostream& err) {
    const std::string id = args.positional[1];
    const auto department = args.options.find("--department");
    if (department == args.options.end()) {
        err << tr(kUsageText);
        return kUsage;
    }
    const auto parent = args.options.find("--dir");
    const fs::path dir =
        (parent == args.options.end() ? fs::current_path() : fs::path(parent->second)) / id;
    const auto files =
        write_plugin_scaffold(share_dir() / "sdk" / "example", dir, id, department->second);
    out << trf("Plugin folder {} written ({} files)", dir.string(), std::to_string(files.size()))
        << '\n';
    // The build's stage folder keeps the SDK's CMake package beside its guide; an installation
    // keeps it where find_package() looks (the package onewindow-sdk-dev).
    fs::path sdk_cmake = share_dir() / "sdk" / "cmake";
    if (!fs::is_directory(sdk_cmake)) sdk_cmake = install_root() / "share/cmake/OneWindowSDK";
    out << trf("Build it: cmake -S {} -B {}/build -DOneWindowSDK_DIR={} && cmake --build {}/build",
               dir.string(), dir.string(), sdk_cmake.string(), dir.string())
        << '\n';
    out << trf("Then check it: onewindow-cli plugins check {}/build/{}", dir.string(), id) << '\n';
    return 0;
}

int cmd_plugins(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    std::string sub = args.positional.empty() ? "list" : args.positional[0];
    if (sub == "check" && args.positional.size() == 2) return plugins_check(args, out, err);
    if (sub == "new" && args.positional.size() == 2) return plugins_new(args, out, err);
    if (sub == "trust") {
        if (args.positional.size() < 2) {
            err << tr(kUsageText);
            return kUsage;
        }
        // Setting up a new counter: the local operator trusts the plugins. Once an
        // administrator exists, only they do (admin --user NAME plugins trust).
        {
            fs::create_directories(data_dir);
            CaseStore store = open_store(install_root(), data_dir, store_option);
            Administration::require_first_setup(store, N_("trust plugins"));
        }
        Issues issues;
        const std::vector<fs::path> folders(args.positional.begin() + 1, args.positional.end());
        print_trusted(trust_plugin_folders(data_dir / "trusted-plugins.json", folders, issues),
                      out);
        for (const auto& issue : issues.list()) err << issue.to_string() << '\n';
        return issues.empty() ? 0 : static_cast<int>(ErrorKind::Input);
    }
    if (sub != "list" || args.positional.size() > 1) {
        err << tr(kUsageText);
        return kUsage;
    }
    // One line per plugin (id, version, department, state), then each reason it is not running
    // on a line of its own, indented.
    auto counter = open_counter(data_dir);
    for (const auto& p : counter->plugins().plugins()) {
        out << p.manifest.id << '\t' << p.manifest.version << '\t' << p.manifest.department_name
            << '\t' << state_name(p.state) << '\n';
        std::size_t from = 0;
        while (from < p.error.size()) {
            const std::size_t end = std::min(p.error.find('\n', from), p.error.size());
            out << "\t" << p.error.substr(from, end - from) << '\n';
            from = end + 1;
        }
    }
    for (const auto& issue : counter->load_issues().list()) err << issue.to_string() << '\n';
    return 0;
}

/// The first line of `file`, or of stdin when `file` is empty or "-"; Error(Input) naming
/// `what`. Typed at a terminal, the line is asked for with `prompt` (on stderr) and, when
/// `hidden` (passwords, secrets), not echoed.
std::string secret_line(const std::string& file, const std::string& what, bool hidden,
                        const std::string& prompt) {
    std::string line;
    if (file.empty() || file == "-") {
        const bool terminal = ::isatty(STDIN_FILENO) == 1;
        termios was{};
        const bool quiet = terminal && hidden && ::tcgetattr(STDIN_FILENO, &was) == 0;
        if (quiet) {  // before the prompt: nothing typed after it is echoed
            termios silent = was;
            silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            silent.c_lflag |= ECHONL;  // the Enter still moves to the next line
            ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
        }
        if (terminal) std::cerr << prompt << std::flush;
        std::getline(std::cin, line);
        if (quiet) ::tcsetattr(STDIN_FILENO, TCSANOW, &was);
    } else {
        std::ifstream in(file);
        if (!in) throw Error(ErrorKind::Input, trf("{}: {} cannot be read", what, file));
        std::getline(in, line);
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) throw Error(ErrorKind::Input, trf("{}: nothing was given", what));
    return line;
}

std::string option(const Args& args, const std::string& name) {
    auto found = args.options.find(name);
    return found == args.options.end() ? std::string() : found->second;
}

std::string required(const Args& args, const std::string& name) {
    auto found = args.options.find(name);
    if (found == args.options.end() || found->second.empty())
        throw Error(ErrorKind::Input, trf("Option {} is needed", name));
    return found->second;
}

/// Signs in through the core's login (wrong passwords count toward the lock); Error(Denied).
Session sign_in_user(Counter& counter, const std::string& name) {
    const char* env = std::getenv("ONEWINDOW_PASSWORD");
    const std::string password =
        env && *env ? std::string(env)
                    : secret_line("", "--user", true, trf("Password of {}: ", name));
    SignIn attempt = sign_in(counter, name, password);
    if (!attempt.session) throw Error(ErrorKind::Denied, attempt.result.message);
    return *attempt.session;
}

int admin_endpoints(Administration& admin, const Args& args, std::ostream& out) {
    const auto& p = args.positional;
    const std::string sub = p.size() > 1 ? p[1] : "list";
    if (sub == "list" && p.size() <= 2) {
        const ExchangeOverview overview = admin.exchange();
        if (!overview.configured) {
            out << tr("No back office is configured: this counter works offline") << '\n';
            return 0;
        }
        out << trf("Client code: {}", overview.client) << '\n';
        out << (overview.upper_centre.empty()
                    ? tr("Agent mode: off")
                    : trf("Agent mode: every item goes to the upper centre {}",
                          overview.upper_centre))
            << '\n';
        // One endpoint a line: name, URL, CA file, whether a secret is set (never the secret).
        for (const auto& e : overview.endpoints)
            out << e.name << '\t' << e.url << '\t' << (e.ca_file.empty() ? "-" : e.ca_file) << '\t'
                << (e.secret_set ? tr("secret set") : tr("no secret")) << '\n';
        return 0;
    }
    if (sub == "set" && p.size() == 3) {
        const std::string url = required(args, "--url");
        const std::string secret = secret_line(required(args, "--secret-file"), "--secret-file",
                                               true, tr("Shared secret: "));
        admin.set_endpoint(p[2], url, secret, option(args, "--ca-file"));
        out << trf("Endpoint {} set to {}", p[2], url) << '\n';
        return 0;
    }
    if (sub == "remove" && p.size() == 3) {
        admin.remove_endpoint(p[2]);
        out << trf("Endpoint {} removed", p[2]) << '\n';
        return 0;
    }
    if (sub == "test" && p.size() == 3) {
        const std::string problem = admin.test_endpoint(p[2]);
        out << (problem.empty() ? tr("The back office answers.") : problem) << '\n';
        return problem.empty() ? 0 : 1;
    }
    return kUsage;
}

int admin_users(Administration& admin, const Args& args, std::ostream& out) {
    const auto& p = args.positional;
    const std::string sub = p.size() > 1 ? p[1] : "list";
    if (sub == "list" && p.size() <= 2) {
        // One user a line: name, display name, role, counter, state.
        for (const auto& u : admin.users())
            out << u.name << '\t' << u.display_name << '\t' << tr(role_name(u.role)) << '\t'
                << u.counter << '\t' << (u.active ? tr("active") : tr("disabled")) << '\n';
        return 0;
    }
    if (p.size() < 3) return kUsage;
    const std::string& name = p[2];
    if (sub == "add" && p.size() == 3) {
        const std::string role = required(args, "--role"), counter = required(args, "--counter"),
                          display = required(args, "--display-name");
        admin.add_user(name, role, counter, display,
                       secret_line(option(args, "--password-file"), "--password-file", true,
                                   tr("New password: ")));
        out << trf("User {} added", name) << '\n';
        return 0;
    }
    if ((sub == "disable" || sub == "enable") && p.size() == 3) {
        admin.set_user_active(name, sub == "enable");
        out << (sub == "enable" ? trf("User {} enabled", name) : trf("User {} disabled", name))
            << '\n';
        return 0;
    }
    if (sub == "role" && p.size() == 4) {
        admin.set_user_role(name, p[3]);
        out << trf("User {} now has the role {}", name, tr(p[3].c_str())) << '\n';
        return 0;
    }
    if (sub == "password" && p.size() == 3) {
        admin.reset_password(name, secret_line(option(args, "--password-file"), "--password-file",
                                               true, tr("New password: ")));
        out << trf("The password of {} was reset", name) << '\n';
        return 0;
    }
    return kUsage;
}

int admin_holidays(Administration& admin, const Args& args, std::ostream& out) {
    const auto& p = args.positional;
    if (p.size() != 3) return kUsage;
    const std::string& sub = p[1];
    if (sub == "list") {
        const std::string& year = p[2];
        if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos)
            throw Error(ErrorKind::Input, trf("Year: \"{}\" is not a year", year));
        // One day a line: date, holiday or make-up working day, name, shipped or edited.
        for (const auto& day : admin.special_days(std::stoi(year)))
            out << day.date.iso() << '\t'
                << (day.holiday ? tr("holiday") : tr("make-up working day")) << '\t'
                << (day.name.empty() ? "-" : day.name) << '\t'
                << (day.edited ? tr("set by the administrator") : tr("shipped")) << '\n';
        return 0;
    }
    if (sub == "add") {
        admin.add_holiday(p[2], option(args, "--name"));
        out << trf("{} is a holiday now", p[2]) << '\n';
        return 0;
    }
    if (sub == "workday") {
        admin.add_workday(p[2], option(args, "--name"));
        out << trf("{} is a make-up working day now", p[2]) << '\n';
        return 0;
    }
    if (sub == "remove") {
        admin.remove_day(p[2]);
        out << trf("{} counts as an ordinary day now", p[2]) << '\n';
        return 0;
    }
    return kUsage;
}

int admin_plugins(Administration& admin, const fs::path& data_dir, const Args& args,
                  std::ostream& out, std::ostream& err) {
    const auto& p = args.positional;
    if (p.size() == 2 && p[1] == "list") {
        // One plugin a line: id, version, department, digest, trust.
        Issues issues;
        for (const auto& found : admin.plugins(plugin_roots(install_root(), data_dir), issues)) {
            const PluginManifest& m = found.plugin.manifest;
            out << m.id << '\t' << m.version << '\t'
                << (m.department_name.empty() ? "-" : m.department_name) << '\t'
                << found.plugin.digest << '\t' << tr(trust_label(found)) << '\n';
        }
        for (const auto& issue : issues.list()) err << issue.to_string() << '\n';
        return 0;
    }
    if (p.size() >= 3 && p[1] == "trust") {
        const std::vector<fs::path> folders(p.begin() + 2, p.end());
        print_trusted(admin.trust_plugins(folders), out);
        return 0;
    }
    if (p.size() >= 3 && p[1] == "untrust") {
        const std::vector<std::string> ids(p.begin() + 2, p.end());
        admin.untrust_plugins(ids);
        for (const auto& id : ids)
            out << trf("Plugin {} is no longer trusted (from the next start)", id) << '\n';
        return 0;
    }
    return kUsage;
}

int cmd_admin(const fs::path& data_dir, const Args& args, std::ostream& out, std::ostream& err) {
    if (!args.positional.empty() && args.positional[0] == "init") {
        // The first administrator of a new counter (nobody to sign in as yet).
        if (args.positional.size() != 2 || args.options.count("--user")) {
            err << tr(kUsageText);
            return kUsage;
        }
        auto counter = open_counter(data_dir);
        const std::string& name = args.positional[1];
        Administration::create_first_admin(
            *counter, name, required(args, "--display-name"),
            option(args, "--counter").empty() ? counter->config().code : option(args, "--counter"),
            secret_line(option(args, "--password-file"), "--password-file", true,
                        tr("New password: ")));
        out << trf("Administrator {} created", name) << '\n';
        return 0;
    }
    const std::string user = option(args, "--user");
    if (user.empty() || args.positional.empty()) {
        err << tr(kUsageText);
        return kUsage;
    }
    auto counter = open_counter(data_dir);
    Administration admin(sign_in_user(*counter, user));
    const std::string& what = args.positional[0];
    int code = kUsage;
    if (what == "endpoints") {
        code = admin_endpoints(admin, args, out);
    } else if (what == "agent" && args.positional.size() == 1) {
        const bool off = args.options.count("--off") > 0;
        const std::string centre = option(args, "--upper-centre");
        if (off != centre.empty()) {
            code = kUsage;
        } else {
            admin.set_upper_centre(off ? std::nullopt : std::optional<std::string>(centre));
            out << (off ? tr("Agent mode is off: items go to their departments")
                        : trf("Agent mode is on: every item goes to the upper centre {}", centre))
                << '\n';
            code = 0;
        }
    } else if (what == "client" && args.positional.size() == 2) {
        admin.set_client(args.positional[1]);
        out << trf("Client code set to {}", args.positional[1]) << '\n';
        code = 0;
    } else if (what == "store" && args.positional.size() == 2 && args.positional[1] == "migrate" &&
               !option(args, "--from").empty() && !option(args, "--to").empty()) {
        const std::string from = option(args, "--from"), to = option(args, "--to");
        const auto report = admin.migrate_folder(from, to);
        if (report.already_done)
            out << trf("{} has the cases of {} already: nothing was copied", to, from) << '\n';
        else
            out << trf("Copied the store of {} into {}: {} cases, {} audit events, {} scans, {} "
                       "items still to send",
                       from, to, std::to_string(report.rows.at("cases")),
                       std::to_string(report.rows.at("audit_events")),
                       std::to_string(report.materials), std::to_string(report.pending))
                << '\n';
        print_merge(report, out);
        code = 0;
    } else if (what == "store" && args.positional.size() == 2 && args.positional[1] == "join" &&
               !option(args, "--to").empty()) {
        const auto report = admin.join_centre(option(args, "--to"));
        if (report.already_done)
            out << trf("The centre's store has this counter's cases already; this counter now "
                       "works on {}",
                       option(args, "--to"))
                << '\n';
        else
            out << trf("Moved into the centre's store: {} cases, {} audit events, {} scans, {} "
                       "items still to send; this counter now works on {}",
                       std::to_string(report.rows.at("cases")),
                       std::to_string(report.rows.at("audit_events")),
                       std::to_string(report.materials), std::to_string(report.pending),
                       option(args, "--to"))
                << '\n';
        print_merge(report, out);
        code = 0;
    } else if (what == "users") {
        code = admin_users(admin, args, out);
    } else if (what == "holidays") {
        code = admin_holidays(admin, args, out);
    } else if (what == "plugins") {
        code = admin_plugins(admin, data_dir, args, out, err);
    }
    if (code == kUsage) err << tr(kUsageText);
    return code;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::size_t i = 0;
    fs::path data_dir = default_data_dir();
    store_option.reset();
    while (i < args.size() && args[i].rfind("--", 0) == 0) {
        if (args[i] == "--help") {
            out << tr(kUsageText);
            return 0;
        }
        if (args[i] == "--version") {
            out << version_line("onewindow-cli") << '\n';
            return 0;
        }
        if (args[i] == "--data" && i + 1 < args.size()) {
            data_dir = args[i + 1];
            i += 2;
        } else if (args[i] == "--store" && i + 1 < args.size()) {
            store_option = args[i + 1];
            i += 2;
        } else {
            err << tr(kUsageText);
            return kUsage;
        }
    }
    if (i >= args.size()) {
        err << tr(kUsageText);
        return kUsage;
    }
    const std::string command = args[i];
    const std::vector<std::string> after(args.begin() + i + 1, args.end());
    if (command == "dispatch") return cmd_dispatch(data_dir, after, out, err);
    if (command == "pull") return cmd_pull(data_dir, after, out, err);
    Args rest = parse_args(args, i + 1);
    if (auto data = rest.options.find("--data"); data != rest.options.end())
        data_dir = data->second;
    if (command == "intake") return cmd_intake(data_dir, rest, out, err);
    if (command == "print") return cmd_print(data_dir, rest, out, err);
    if (command == "printers") return cmd_printers(out);
    if (command == "report") return cmd_report(data_dir, rest, out, err);
    if (command == "backup") return cmd_backup(data_dir, rest, out, err);
    if (command == "hand-out") return cmd_hand_out(data_dir, rest, out, err);
    if (command == "supply") return cmd_supply(data_dir, rest, out, err);
    if (command == "rate") return cmd_rate(data_dir, rest, out, err);
    if (command == "restore") return cmd_restore(data_dir, rest, out, err);
    if (command == "refuse") return cmd_refuse(data_dir, rest, out, err);
    if (command == "catalogue") return cmd_catalogue(data_dir, rest, out);
    if (command == "guide") return cmd_guide(data_dir, rest, out, err);
    if (command == "check") return cmd_check(rest, out, err);
    if (command == "audit") return cmd_audit(data_dir, rest, out, err);
    if (command == "plugins") return cmd_plugins(data_dir, rest, out, err);
    if (command == "outbox") return cmd_outbox(data_dir, rest, out, err);
    if (command == "admin") return cmd_admin(data_dir, rest, out, err);
    if (command == "demo") return run_demo(data_dir.string(), store_option, out, err);
    err << tr(kUsageText);
    return kUsage;
}

}  // namespace onewindow
