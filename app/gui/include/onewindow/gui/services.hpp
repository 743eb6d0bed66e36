// What every screen of the shell shares: the counter (core), the signed-in user, background work.
//
// The Counter is used by one thread at a time (counter.hpp): screens take lock() for quick calls
// on the UI thread (search, review: a few milliseconds). Anything slower runs as a job on a
// worker thread and reports back on the UI thread, so the window never freezes; and no lock is
// held across a PDF render, a print or a network call, so the UI thread never waits on lock()
// for one. A job is a list of steps (run_job), each of which says whether it holds the Counter:
// a render prepares its document holding it (the store, a plugin's fill) and draws it without
// (render_in_background); rasterising a PDF, looking printers up and printing through CUPS hold
// nothing (run_unlocked); a hand-out prepares holding it, prints without, records holding it.
// Threads: construct Services and call every function here on the UI thread, except lock(),
// counter(), session() and intake(), which the steps holding the Counter call on their worker
// too. A step's `work` runs on a worker thread, holding lock() exactly when its Hold says
// Counter; `done` runs on the UI thread (from the event loop; wait_idle() delivers it), never
// after the Services are gone.
#pragma once

#include <wx/string.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "onewindow/core/backup.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/intake.hpp"
#include "onewindow/core/session.hpp"

namespace onewindow::gui {

struct ShellOptions {
    std::filesystem::path root;              // installation root (install_root() by default)
    std::filesystem::path data_dir;          // the counter's data folder
    std::optional<std::string> store;        // --store: the case store (else counter.json's)
    bool demo = false;                       // demo data: users prepared, hint on the login screen
    int idle_lock_seconds = 300;             // the screen locks after this long without input
    bool measure = false;                    // --measure: onewindow-bench's run (measure.hpp)
    std::vector<std::string> measure_items;  // --measure-items a,b,...: the form it measures
    int backup_check_ms = 5 * 60 * 1000;     // how often scheduled backups check they are due
};

class Services {
  public:
    /// Opens the counter (plugins, catalogue, case store). Throws onewindow::Error.
    static std::unique_ptr<Services> open(const ShellOptions& options);
    ~Services();

    const ShellOptions& options() const { return options_; }
    /// The counter, for calls made while holding lock().
    Counter& counter() { return *counter_; }
    std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
    /// The lock if it is free now, else a lock that owns nothing (owns_lock() false).
    std::unique_lock<std::mutex> try_lock() { return std::unique_lock(mutex_, std::try_to_lock); }

    const UserAccount& user() const { return user_; }
    /// The user signed in (sign_in()): the screens reach the core through the services of
    /// their session only (intake.hpp, case_desk.hpp, supervision.hpp, admin.hpp), each
    /// checking the role inside. UI thread, not holding lock() (it takes it: the steps of
    /// running jobs that hold the Counter read the user).
    void set_user(UserAccount user);
    /// The session of the signed-in user, for a service built on the spot (under lock()).
    Session session() { return Session(*counter_, user_); }
    /// The intake of the signed-in user: one for the session, since it keeps the last review
    /// for the acceptance (one F9, one validation). Under lock().
    Intake& intake() {
        if (!intake_) intake_ = std::make_unique<Intake>(session());
        return *intake_;
    }

    /// Where printed documents of this counter are kept (<data>/documents).
    std::filesystem::path documents_dir() const;

    /// What a step of a job holds while it runs: the Counter's lock, or nothing (work that uses
    /// nothing of the Counter: a render of a prepared document, a rasterisation, CUPS, HTTP).
    enum class Hold { Counter, Nothing };
    struct Step {
        Hold hold;
        std::function<void()> work;
    };
    /// Runs the steps one after the other on one worker thread, each holding lock() only while
    /// it runs and only if its `hold` says Counter (so the UI thread may take the lock between
    /// and during the steps that hold nothing); the first step that throws ends the job. Then
    /// `done` on the UI thread with that exception (or nullptr). The steps hand their results
    /// on through what they capture (a shared_ptr the job and `done` share).
    void run_job(std::vector<Step> steps, std::function<void(std::exception_ptr)> done);
    /// A job of one step holding the Counter.
    void run_in_background(std::function<void()> work,
                           std::function<void(std::exception_ptr)> done);
    /// A job of one step holding nothing: `work` must not touch the Counter.
    void run_unlocked(std::function<void()> work, std::function<void(std::exception_ptr)> done);
    /// Prepares a document holding the Counter (`prepare`, e.g. Intake::prepare_receipt), then
    /// renders it without the lock (DocumentJob::render with Counter::renderer(), its folder
    /// made first), then `done` on the UI thread.
    void render_in_background(std::function<DocumentJob()> prepare,
                              std::function<void(std::exception_ptr)> done);
    /// Waits for every background job and delivers their `done` calls (tests, shutdown).
    void wait_idle();
    bool busy() const;

    /// The back offices: with <data>/exchange.json the dispatcher sends accepted items and
    /// pulls decisions on its own thread (dispatcher.hpp) for as long as the shell runs.
    /// wake_dispatcher() asks for a pass now (after an acceptance).
    void wake_dispatcher();
    /// Stops the dispatcher and starts it again on exchange.json as it is now (after the
    /// administrator changed the back offices); none when the file is gone.
    void restart_dispatcher();
    Dispatcher* dispatcher() { return dispatcher_.get(); }
    /// The status bar's words for the exchange: not configured, configuration error, connecting,
    /// online, or how many departments cannot be reached.
    wxString exchange_status() const;
    /// Scheduled backups (<data>/backup.json, backup.hpp) run on their own thread while the
    /// shell runs; the status bar's words for them: not scheduled, the last backup, or the error.
    wxString backup_status() const;
    BackupScheduler* backups() { return backups_.get(); }

  private:
    Services() = default;
    void start_dispatcher();
    ShellOptions options_;
    std::unique_ptr<Counter> counter_;
    std::mutex mutex_;
    UserAccount user_;
    std::unique_ptr<Intake> intake_;
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> finished;
    };
    std::vector<Worker> workers_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    std::unique_ptr<Dispatcher> dispatcher_;  // stopped before the counter closes
    std::string exchange_problem_;
    std::unique_ptr<BackupScheduler> backups_;
    std::string backup_problem_;
};

// Text helpers: the core speaks UTF-8 std::string, wx speaks wxString (never narrow literals:
// wx leaves LC_CTYPE=C, which turns Chinese into nothing).
inline wxString wx(const std::string& utf8) { return wxString::FromUTF8(utf8); }
inline wxString wx(const char* utf8) { return wxString::FromUTF8(utf8); }
inline std::string utf8(const wxString& text) { return std::string(text.utf8_str()); }
/// tr() of core/i18n.hpp as a wxString.
wxString wtr(const char* english);

/// Gives the standard buttons of `window` (a dialog; OK, Cancel, Close, Yes, No) their Chinese
/// labels from our catalog: GTK would draw its own stock labels, in English without GTK's
/// translations. Call on every dialog before showing it.
void chinese_buttons(wxWindow* window);

}  // namespace onewindow::gui
