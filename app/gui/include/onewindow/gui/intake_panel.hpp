// The intake screen: the unified form of the chosen items, the merged materials checklist and
// the three decisions at the counter (一次性告知 F8, 受理 F9, 不予受理).
//
// The form is generated from the core's UnifiedForm: one row per field (label, control, inline
// message), repeating tables as keyboard-editable grids, derived fields (birth date, sex, age)
// read-only and filled from the ID number. Leaving a field asks the core to review the request
// and shows the messages next to the fields already visited. Enter moves to the next field; Tab
// order is the form's order. Every change is autosaved as a draft (Counter's case store) a moment
// later, so a crash or power cut loses nothing; the draft goes when the case is decided.
// Threads: UI thread only; PDF rendering goes through Services::run_in_background.
#pragma once

#include <wx/panel.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/counter.hpp"
#include "onewindow/gui/services.hpp"

class wxBoxSizer;
class wxGrid;
class wxInfoBar;
class wxScrolledWindow;
class wxStaticText;
class wxTimer;

namespace onewindow::gui {

/// What a decision at the counter produced (for the window and the tests).
struct DecisionResult {
    enum class Kind {
        None,
        Accepted,
        Notice,
        Refused,
        Invalid,
        MaterialsMissing,
        Failed
    } kind = Kind::None;
    std::string number;    // case, notice or refusal number
    std::string document;  // the PDF written for it (receipt or notice), once rendered
    std::string message;   // for the clerk
};

class IntakePanel : public wxPanel {
  public:
    IntakePanel(wxWindow* parent, Services& services);
    ~IntakePanel() override;

    /// Adds items (or a bundle's items) to the case; typed values are kept.
    void add_items(const std::vector<std::string>& codes);
    void remove_item(const std::string& code);
    /// Starts a new, empty intake (the current draft stays saved unless decided).
    void clear();
    const std::vector<std::string>& items() const { return items_; }
    /// The line above the form: the bundle and its lead department when the items make one,
    /// then the items and their departments.
    std::string items_line() const { return items_label_->GetLabel().utf8_string(); }

    // Fields, by dictionary key.
    void set_value(const std::string& key, const std::string& text);
    std::string value(const std::string& key) const;
    /// The inline message shown next to a field (empty when fine).
    std::string message(const std::string& key) const;
    bool field_shown(const std::string& key) const;
    /// What leaving a field does: review the request and show messages of visited fields.
    void leave_field(const std::string& key);
    void set_table(const std::string& key,
                   const std::vector<std::map<std::string, std::string>>& rows);
    wxWindow* control(const std::string& key) const;

    // Materials, by dictionary key.
    void attach_material(const std::string& key, const std::filesystem::path& file);
    void set_supplied(const std::string& key, bool supplied);
    void tolerate(const std::string& key, const std::string& promise);
    bool has_thumbnail(const std::string& key) const;
    /// Where a material's scan shows; files dropped on it are attached.
    wxWindow* scan_area(const std::string& key) const;

    // The decisions. Each returns at once; documents render in the background and
    // `on_document` (if set) is called on the UI thread when the PDF is written.
    DecisionResult accept();                           // F9
    DecisionResult notice();                           // F8
    DecisionResult refuse(const std::string& reason);  // 不予受理
    void ask_refusal_reason();                         // the button: asks, then refuse()
    /// "读取身份证" (F2): reads the card through the ID card reader's device plugin in the
    /// background, then fills the applicant's fields and attaches the card image.
    void read_id_card();
    /// Puts the keyboard on the first field the clerk types into.
    void focus_first_field();
    /// What has the keyboard: "field:<key>", "supplied:<material>", "tolerated:<material>",
    /// "promise:<material>", "button", or "" (nothing of the form).
    std::string focused_field() const;
    void fill_from_card(const std::optional<IdCard>& card);
    const DecisionResult& last_result() const { return last_; }
    std::function<void(const DecisionResult&)> on_document;

    // Drafts.
    void save_draft_now();
    void resume(const Draft& draft);
    long long draft_id() const { return draft_id_; }

    /// The current request as the core reads it.
    IntakeRequest request() const;

  private:
    struct Field;
    struct Material;
    void rebuild();
    void build_field(wxWindow* parent, wxSizer* grid, const UnifiedField& field);
    void build_materials(wxWindow* parent, wxSizer* sizer);
    void changed();
    void review_now();
    void show_review(const IntakeReview& review);
    void update_visibility(const Poco::JSON::Object::Ptr& values);
    Poco::JSON::Object::Ptr collect_values() const;
    void show_info(const wxString& text, int flags);
    // Runs one decision: the no-item check, errors turned into a Failed result, the info bar.
    DecisionResult decide(const std::function<void(DecisionResult&)>& body);
    void render_document(DecisionResult result, bool receipt);
    void finish_case();
    Field* field(const std::string& key) const;
    Material* material(const std::string& key) const;

    Services& services_;
    std::vector<std::string> items_;
    std::shared_ptr<const UnifiedForm> form_;
    std::vector<std::unique_ptr<Field>> fields_;
    std::vector<std::unique_ptr<Material>> materials_;
    struct Kept;
    std::unique_ptr<Kept> kept_;  // what was typed, kept across rebuilds and from drafts
    void keep_current();
    wxStaticText* items_label_ = nullptr;
    wxInfoBar* info_ = nullptr;
    wxScrolledWindow* form_area_ = nullptr;
    wxTimer* autosave_ = nullptr;
    long long draft_id_ = 0;
    bool loading_ = false;
    DecisionResult last_;
};

}  // namespace onewindow::gui
