#include "onewindow/gui/intake_panel.hpp"

#include <Poco/JSON/Array.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/dnd.h>
#include <wx/filedlg.h>
#include <wx/grid.h>
#include <wx/infobar.h>
#include <wx/msgdlg.h>
#include <wx/odcombo.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>
#include <wx/timer.h>
#include <algorithm>

#include <cstdlib>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"

namespace fs = std::filesystem;

namespace onewindow::gui {

namespace {
constexpr int kThumbSize = 56;
constexpr int kTableRows = 4;

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// A field filled in from others (birth date from the ID number): shown, never typed into, so
/// Tab and Enter pass it by.
class DerivedText : public wxTextCtrl {
  public:
    DerivedText(wxWindow* parent)
        : wxTextCtrl(parent, wxID_ANY, {}, wxDefaultPosition, wxSize(320, -1), wxTE_READONLY) {}
    bool AcceptsFocusFromKeyboard() const override { return false; }
};

/// Where a material's scan shows (and is dropped): nothing to type, so never the keyboard's.
class ThumbHolder : public wxPanel {
  public:
    explicit ThumbHolder(wxWindow* parent, int size)
        : wxPanel(parent, wxID_ANY, wxDefaultPosition, wxSize(size, size), wxBORDER_SIMPLE) {}
    bool AcceptsFocus() const override { return false; }
};

std::string text_of(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return {};
    if (value.isString()) return value.extract<std::string>();
    return value.convert<std::string>();
}
}  // namespace

struct IntakePanel::Field {
    UnifiedField def;
    wxStaticText* label = nullptr;
    wxTextCtrl* text = nullptr;
    // Read-only and drawn by wxWidgets itself: GTK's combo boxes keep an inner button that takes
    // the keyboard out of wx's hands (Tab and Enter end up there).
    wxOwnerDrawnComboBox* choice = nullptr;
    wxGrid* grid = nullptr;
    wxButton* add_row = nullptr;
    wxStaticText* message = nullptr;
    bool visited = false;
    bool shown = true;
    wxWindow* control() const {
        return text     ? static_cast<wxWindow*>(text)
               : choice ? static_cast<wxWindow*>(choice)
                        : static_cast<wxWindow*>(grid);
    }
};

struct IntakePanel::Material {
    UnifiedMaterial def;
    wxCheckBox* supplied = nullptr;
    wxCheckBox* tolerated = nullptr;
    wxTextCtrl* promise = nullptr;
    wxPanel* thumb_holder = nullptr;
    wxStaticBitmap* thumb = nullptr;
    wxStaticText* file_label = nullptr;
    fs::path file;
    bool has_thumbnail = false;
};

struct IntakePanel::Kept {
    std::map<std::string, std::string> values;
    std::map<std::string, std::vector<std::map<std::string, std::string>>> tables;
    std::map<std::string, IntakeMaterial> materials;  // by key
};

namespace {
/// Scans dropped on a material's thumbnail are attached to it.
class MaterialDropTarget : public wxFileDropTarget {
  public:
    explicit MaterialDropTarget(std::function<void(const fs::path&)> attach)
        : attach_(std::move(attach)) {}
    bool OnDropFiles(wxCoord, wxCoord, const wxArrayString& files) override {
        if (files.empty()) return false;
        attach_(fs::path(utf8(files[0])));
        return true;
    }

  private:
    std::function<void(const fs::path&)> attach_;
};
}  // namespace

IntakePanel::IntakePanel(wxWindow* parent, Services& services)
    : wxPanel(parent), services_(services), kept_(std::make_unique<Kept>()) {
    if (!wxImage::FindHandler(wxBITMAP_TYPE_PNG)) wxInitAllImageHandlers();
    auto* top = new wxBoxSizer(wxVERTICAL);
    info_ = new wxInfoBar(this);
    top->Add(info_, 0, wxEXPAND);
    items_label_ = new wxStaticText(this, wxID_ANY, {});
    items_label_->SetFont(items_label_->GetFont().Bold());
    top->Add(items_label_, 0, wxEXPAND | wxALL, 8);
    form_area_ = new wxScrolledWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                      wxVSCROLL | wxTAB_TRAVERSAL);
    form_area_->SetScrollRate(0, 16);
    top->Add(form_area_, 1, wxEXPAND);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* clear_button = new wxButton(this, wxID_ANY, wtr("New intake (Ctrl+N)"));
    auto* card_button = new wxButton(this, wxID_ANY, wtr("Read ID card (F2)"));
    auto* refuse_button = new wxButton(this, wxID_ANY, wtr("Refuse to accept"));
    auto* notice_button = new wxButton(this, wxID_ANY, wtr("One-time notice (F8)"));
    auto* accept_button = new wxButton(this, wxID_ANY, wtr("Accept (F9)"));
    accept_button->SetFont(accept_button->GetFont().Bold());
    buttons->Add(clear_button, 0, wxRIGHT, 8);
    buttons->Add(card_button, 0, wxRIGHT, 8);
    buttons->AddStretchSpacer();
    buttons->Add(refuse_button, 0, wxRIGHT, 8);
    buttons->Add(notice_button, 0, wxRIGHT, 8);
    buttons->Add(accept_button, 0);
    top->Add(buttons, 0, wxEXPAND | wxALL, 8);
    SetSizer(top);

    clear_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { clear(); });
    card_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { read_id_card(); });
    refuse_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { ask_refusal_reason(); });
    notice_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { notice(); });
    accept_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { accept(); });

    autosave_ = new wxTimer(this);
    Bind(
        wxEVT_TIMER, [this](wxTimerEvent&) { save_draft_now(); }, autosave_->GetId());
    // Enter moves to the next field, as on paper forms (grids keep Enter for their cells).
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& event) {
        wxWindow* focus = FindFocus();
        const bool enter =
            event.GetKeyCode() == WXK_RETURN || event.GetKeyCode() == WXK_NUMPAD_ENTER;
        if (enter && focus && !event.HasAnyModifiers() &&
            (wxDynamicCast(focus, wxTextCtrl) || wxDynamicCast(focus, wxOwnerDrawnComboBox) ||
             wxDynamicCast(focus, wxCheckBox)) &&
            !(focus->GetWindowStyle() & wxTE_MULTILINE) && form_area_->IsDescendant(focus)) {
            focus->Navigate(wxNavigationKeyEvent::IsForward);
            return;
        }
        event.Skip();
    });
    rebuild();
}

IntakePanel::~IntakePanel() {
    autosave_->Stop();
    if (!items_.empty()) {
        try {
            save_draft_now();
        } catch (const std::exception&) {
            // The draft saved a moment ago stays; nothing else to do while closing.
        }
    }
    // A wxTimer is not a child window: its owner deletes it (./setup.sh sanitize found the leak).
    delete autosave_;
}

IntakePanel::Field* IntakePanel::field(const std::string& key) const {
    for (const auto& f : fields_)
        if (f->def.def.key == key) return f.get();
    return nullptr;
}

IntakePanel::Material* IntakePanel::material(const std::string& key) const {
    for (const auto& m : materials_)
        if (m->def.material.key == key) return m.get();
    return nullptr;
}

wxWindow* IntakePanel::control(const std::string& key) const {
    Field* f = field(key);
    return f ? f->control() : nullptr;
}

void IntakePanel::keep_current() {
    auto values = collect_values();
    for (const auto& f : fields_) {
        const std::string& key = f->def.def.key;
        if (f->def.def.derived()) continue;
        if (f->grid) {
            auto& rows = kept_->tables[key];
            rows.clear();
            auto array = values->getArray(key);
            for (std::size_t i = 0; array && i < array->size(); ++i) {
                std::map<std::string, std::string> row;
                auto object = array->getObject(static_cast<unsigned>(i));
                for (const auto& [column, value] : *object) row[column] = text_of(value);
                rows.push_back(row);
            }
        } else if (values->has(key)) {
            kept_->values[key] = text_of(values->get(key));
        } else {
            kept_->values.erase(key);
        }
    }
    for (const auto& m : materials_)
        kept_->materials[m->def.material.key] = {m->def.material.key, m->file,
                                                 m->supplied->GetValue(), m->tolerated->GetValue(),
                                                 utf8(m->promise->GetValue())};
}

void IntakePanel::add_items(const std::vector<std::string>& codes) {
    keep_current();
    bool added = false;
    for (const auto& code : codes)
        if (std::find(items_.begin(), items_.end(), code) == items_.end()) {
            items_.push_back(code);
            added = true;
        }
    if (!added) return;
    rebuild();
    changed();
}

void IntakePanel::remove_item(const std::string& code) {
    keep_current();
    std::erase(items_, code);
    rebuild();
    changed();
}

void IntakePanel::clear() {
    autosave_->Stop();
    if (!items_.empty()) save_draft_now();  // the interrupted intake stays as a draft
    items_.clear();
    kept_ = std::make_unique<Kept>();
    draft_id_ = 0;
    info_->Dismiss();
    rebuild();
}

void IntakePanel::rebuild() {
    loading_ = true;
    form_area_->DestroyChildren();
    fields_.clear();
    materials_.clear();
    form_.reset();
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    if (items_.empty()) {
        items_label_->SetLabel(
            wtr("No item chosen yet: search the catalogue on the left "
                "(Ctrl+F), then press Enter to add an item or a bundle."));
    } else {
        const Bundle* bundle = nullptr;
        try {
            auto held = services_.lock();
            form_ = std::make_shared<UnifiedForm>(services_.intake().form(items_));
            bundle = services_.counter().catalogue().bundle_of(items_);
        } catch (const std::exception& e) {
            show_info(wx(e.what()), wxICON_ERROR);
        }
        if (form_) {
            // A bundle (一件事) is named with its lead department (牵头部门) above its items.
            wxString text;
            if (bundle)
                for (const ServiceItem* item : form_->items)
                    if (item->department_code == bundle->lead) {
                        text = wxString::Format(wtr("Life event: %s, led by %s"), wx(bundle->name),
                                                wx(item->department_name)) +
                               "\n";
                        break;
                    }
            // A bundle's five items and their departments take two lines or three: wrapped
            // between items (Chinese has no spaces for wxStaticText::Wrap to break at).
            const int width = std::max(200, GetClientSize().GetWidth() - 16);
            wxString line = wxString::Format(wtr("Items: %s"), wxString());
            text += line;
            for (std::size_t i = 0; i < form_->items.size(); ++i) {
                const ServiceItem* item = form_->items[i];
                const wxString name = wx(item->name) + wx("（") + wx(item->department_name) +
                                      wx("）") +
                                      (i + 1 < form_->items.size() ? wx("、") : wxString());
                if (line.size() > 0 &&
                    items_label_->GetTextExtent(line + name).GetWidth() > width) {
                    text += "\n";
                    line.clear();
                }
                text += name;
                line += name;
            }
            items_label_->SetLabel(text);
            for (const auto& section : form_->sections) {
                auto* box = new wxStaticBoxSizer(wxVERTICAL, form_area_, wx(section.title));
                auto* grid = new wxFlexGridSizer(3, 6, 10);
                grid->AddGrowableCol(1, 1);
                for (const auto& f : section.fields) build_field(box->GetStaticBox(), grid, f);
                box->Add(grid, 0, wxEXPAND | wxALL, 4);
                sizer->Add(box, 0, wxEXPAND | wxALL, 6);
            }
            build_materials(form_area_, sizer);
        }
    }
    form_area_->SetSizer(sizer);
    form_area_->FitInside();
    Layout();
    loading_ = false;
    if (form_) update_visibility(collect_values());
}

void IntakePanel::build_field(wxWindow* parent, wxSizer* grid, const UnifiedField& unified) {
    auto f = std::make_unique<Field>();
    f->def = unified;
    const FieldDef& def = unified.def;
    const std::string key = def.key;
    wxString label = wx(def.label);
    if (def.required) label += wx(" *");
    f->label = new wxStaticText(parent, wxID_ANY, label);
    grid->Add(f->label, 0, wxALIGN_CENTER_VERTICAL | wxALIGN_RIGHT);
    if (def.type == FieldType::Table) {
        auto* column = new wxBoxSizer(wxVERTICAL);
        f->grid = new wxGrid(parent, wxID_ANY);
        f->grid->CreateGrid(kTableRows, static_cast<int>(unified.columns.size()));
        f->grid->SetRowLabelSize(32);
        f->grid->SetTabBehaviour(wxGrid::Tab_Leave);
        for (std::size_t c = 0; c < unified.columns.size(); ++c) {
            const FieldDef& column = unified.columns[c];
            f->grid->SetColLabelValue(static_cast<int>(c), wx(column.label));
            f->grid->SetColSize(static_cast<int>(c),
                                column.type == FieldType::IdNumber ? 190 : 120);
            if (column.type == FieldType::Choice) {
                // A choice column offers its options (typing the first letters picks one).
                wxArrayString options;
                for (const auto& option : column.options) options.Add(wx(option));
                auto* attr = new wxGridCellAttr;
                attr->SetEditor(new wxGridCellChoiceEditor(options));
                f->grid->SetColAttr(static_cast<int>(c), attr);
            }
        }
        const auto kept = kept_->tables.find(key);
        if (kept != kept_->tables.end()) {
            if (static_cast<int>(kept->second.size()) > kTableRows)
                f->grid->AppendRows(static_cast<int>(kept->second.size()) - kTableRows);
            for (std::size_t r = 0; r < kept->second.size(); ++r)
                for (std::size_t c = 0; c < unified.columns.size(); ++c) {
                    auto cell = kept->second[r].find(unified.columns[c].key);
                    if (cell != kept->second[r].end())
                        f->grid->SetCellValue(static_cast<int>(r), static_cast<int>(c),
                                              wx(cell->second));
                }
        }
        column->Add(f->grid, 0, wxEXPAND);
        f->add_row = new wxButton(parent, wxID_ANY, wtr("Add a row"));
        column->Add(f->add_row, 0, wxTOP, 4);
        grid->Add(column, 1, wxEXPAND);
        Field* raw = f.get();
        f->add_row->Bind(wxEVT_BUTTON, [raw, this](wxCommandEvent&) {
            raw->grid->AppendRows(1);
            form_area_->FitInside();
            raw->grid->SetFocus();
            raw->grid->GoToCell(raw->grid->GetNumberRows() - 1, 0);
        });
        f->grid->Bind(wxEVT_GRID_CELL_CHANGED, [this](wxGridEvent& e) {
            e.Skip();
            changed();
        });
    } else if (def.type == FieldType::Choice && !def.derived()) {
        wxArrayString options;
        options.Add(wtr("(choose)"));
        for (const auto& option : def.options) options.Add(wx(option));
        f->choice = new wxOwnerDrawnComboBox(parent, wxID_ANY, options[0], wxDefaultPosition,
                                             wxSize(200, -1), options, wxCB_READONLY);
        f->choice->SetSelection(0);
        grid->Add(f->choice, 0, wxALIGN_CENTER_VERTICAL);
        // Up and Down step through the options without opening the list; Enter moves on, as
        // in every other field (GTK would open the list).
        f->choice->Bind(wxEVT_KEY_DOWN, [this, raw = f.get(), key](wxKeyEvent& e) {
            if ((e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER) &&
                !e.HasAnyModifiers()) {
                raw->choice->Navigate(wxNavigationKeyEvent::IsForward);
                return;
            }
            const int step = e.GetKeyCode() == WXK_DOWN ? 1 : e.GetKeyCode() == WXK_UP ? -1 : 0;
            if (step == 0 || e.HasAnyModifiers()) return e.Skip();
            const int count = static_cast<int>(raw->choice->GetCount());
            const int at = std::clamp(raw->choice->GetSelection() + step, 0, count - 1);
            if (at == raw->choice->GetSelection()) return;
            raw->choice->SetSelection(at);
            changed();
            leave_field(key);
        });
        f->choice->Bind(wxEVT_COMBOBOX, [this, key](wxCommandEvent&) {
            changed();
            leave_field(key);
        });
    } else {
        f->text = def.derived()
                      ? new DerivedText(parent)
                      : new wxTextCtrl(parent, wxID_ANY, {}, wxDefaultPosition, wxSize(320, -1));
        if (def.derived()) {
            f->text->SetBackgroundColour(wxColour(240, 240, 240));
            f->text->SetHint(wtr("filled in from the ID number"));
        } else if (def.type == FieldType::Date) {
            f->text->SetHint(wtr("YYYY-MM-DD"));
        } else if (!def.help.empty()) {
            f->text->SetHint(wx(def.help));
        }
        if (def.type == FieldType::IdNumber) f->text->SetMaxLength(18);
        if (def.type == FieldType::Phone) f->text->SetMaxLength(20);
        grid->Add(f->text, 1, wxEXPAND | wxALIGN_CENTER_VERTICAL);
        if (!def.derived()) f->text->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { changed(); });
    }
    if (!def.derived()) {
        wxWindow* control = f->control();
        control->Bind(wxEVT_KILL_FOCUS, [this, key](wxFocusEvent& e) {
            e.Skip();
            CallAfter([this, key] { leave_field(key); });
        });
    }
    f->message = new wxStaticText(parent, wxID_ANY, {}, wxDefaultPosition, wxSize(300, -1));
    f->message->SetForegroundColour(wxColour(192, 0, 0));
    grid->Add(f->message, 0, wxALIGN_CENTER_VERTICAL);
    // Restore what was typed before the form was rebuilt (or in the draft).
    auto kept = kept_->values.find(key);
    if (kept != kept_->values.end()) {
        if (f->text)
            f->text->ChangeValue(wx(kept->second));
        else if (f->choice) {
            int at = f->choice->FindString(wx(kept->second), true);
            if (at != wxNOT_FOUND) f->choice->SetSelection(at);
        }
    }
    fields_.push_back(std::move(f));
}

void IntakePanel::build_materials(wxWindow* parent, wxSizer* sizer) {
    if (form_->materials.empty()) return;
    auto* box = new wxStaticBoxSizer(wxVERTICAL, parent, wtr("Materials checklist"));
    wxWindow* owner = box->GetStaticBox();
    auto* grid = new wxFlexGridSizer(6, 6, 10);
    grid->AddGrowableCol(5, 1);
    for (const auto& unified : form_->materials) {
        auto m = std::make_unique<Material>();
        m->def = unified;
        const ItemMaterial& def = unified.material;
        const std::string key = def.key;
        m->supplied = new wxCheckBox(owner, wxID_ANY, wx(def.name));
        grid->Add(m->supplied, 0, wxALIGN_CENTER_VERTICAL);
        wxString terms =
            def.required ? (def.tolerable_gap ? wtr("required, gap tolerable") : wtr("required"))
                         : wtr("optional");
        terms += wxString::Format(wtr("; originals %d, copies %d"), def.originals, def.copies);
        if (def.required_if.active()) terms += wtr(" (when it applies)");
        grid->Add(new wxStaticText(owner, wxID_ANY, terms), 0, wxALIGN_CENTER_VERTICAL);
        auto* attach = new wxButton(owner, wxID_ANY, wtr("Attach scan..."));
        grid->Add(attach, 0, wxALIGN_CENTER_VERTICAL);
        m->thumb_holder = new ThumbHolder(owner, kThumbSize + 4);
        m->thumb_holder->SetToolTip(wtr("Drop a scan here"));
        m->thumb = new wxStaticBitmap(m->thumb_holder, wxID_ANY, wxNullBitmap, wxPoint(2, 2),
                                      wxSize(kThumbSize, kThumbSize));
        m->file_label = new wxStaticText(m->thumb_holder, wxID_ANY, wtr("no scan"), wxPoint(4, 20));
        grid->Add(m->thumb_holder, 0, wxALIGN_CENTER_VERTICAL);
        m->tolerated = new wxCheckBox(owner, wxID_ANY, wtr("Tolerated gap"));
        m->tolerated->Enable(def.tolerable_gap);
        grid->Add(m->tolerated, 0, wxALIGN_CENTER_VERTICAL);
        m->promise = new wxTextCtrl(owner, wxID_ANY);
        m->promise->SetHint(wtr("the applicant's written promise, e.g. to hand in by a date"));
        m->promise->Enable(false);
        grid->Add(m->promise, 1, wxEXPAND | wxALIGN_CENTER_VERTICAL);

        Material* raw = m.get();
        attach->Bind(wxEVT_BUTTON, [this, key](wxCommandEvent&) {
            wxFileDialog dialog(this, wtr("Attach scan..."), {}, {},
                                wtr("Scans (*.png;*.jpg;*.jpeg;*.pdf)|*.png;*.jpg;*.jpeg;*.pdf"),
                                wxFD_OPEN | wxFD_FILE_MUST_EXIST);
            if (dialog.ShowModal() == wxID_OK)
                attach_material(key, fs::path(utf8(dialog.GetPath())));
        });
        m->thumb_holder->SetDropTarget(new MaterialDropTarget(
            [this, key](const fs::path& file) { attach_material(key, file); }));
        m->supplied->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { changed(); });
        m->tolerated->Bind(wxEVT_CHECKBOX, [this, raw](wxCommandEvent&) {
            raw->promise->Enable(raw->tolerated->GetValue());
            if (raw->tolerated->GetValue()) raw->promise->SetFocus();
            changed();
        });
        m->promise->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { changed(); });

        auto kept = kept_->materials.find(key);
        if (kept != kept_->materials.end()) {
            m->supplied->SetValue(kept->second.supplied);
            m->tolerated->SetValue(kept->second.tolerated && def.tolerable_gap);
            m->promise->ChangeValue(wx(kept->second.promise));
            m->promise->Enable(m->tolerated->GetValue());
        }
        materials_.push_back(std::move(m));
        if (kept != kept_->materials.end() && !kept->second.file.empty())
            attach_material(key, kept->second.file);
    }
    box->Add(grid, 0, wxEXPAND | wxALL, 4);
    sizer->Add(box, 0, wxEXPAND | wxALL, 6);
}

void IntakePanel::attach_material(const std::string& key, const fs::path& file) {
    Material* m = material(key);
    if (!m) return;
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
        show_info(wxString::Format(wtr("The file %s cannot be read"), wx(file.string())),
                  wxICON_ERROR);
        return;
    }
    m->file = fs::absolute(file);
    m->supplied->SetValue(true);
    wxImage image;
    {
        wxLogNull quiet;  // not every scan is an image (PDF): no dialog for those
        m->has_thumbnail = image.LoadFile(wx(m->file.string()));
    }
    if (m->has_thumbnail) {
        const double scale =
            std::min(double(kThumbSize) / image.GetWidth(), double(kThumbSize) / image.GetHeight());
        image.Rescale(std::max(1, int(image.GetWidth() * scale)),
                      std::max(1, int(image.GetHeight() * scale)), wxIMAGE_QUALITY_HIGH);
        m->thumb->SetBitmap(wxBitmap(image));
        m->file_label->Hide();
    } else {
        m->thumb->SetBitmap(wxNullBitmap);
        m->file_label->SetLabel(wx(m->file.extension().string()));
        m->file_label->Show();
    }
    m->thumb_holder->SetToolTip(wx(m->file.filename().string()));
    changed();
}

void IntakePanel::set_supplied(const std::string& key, bool supplied) {
    if (Material* m = material(key)) {
        m->supplied->SetValue(supplied);
        changed();
    }
}

void IntakePanel::tolerate(const std::string& key, const std::string& promise) {
    if (Material* m = material(key); m && m->tolerated->IsEnabled()) {
        m->tolerated->SetValue(true);
        m->promise->Enable(true);
        m->promise->ChangeValue(wx(promise));
        changed();
    }
}

bool IntakePanel::has_thumbnail(const std::string& key) const {
    Material* m = material(key);
    return m && m->has_thumbnail;
}

wxWindow* IntakePanel::scan_area(const std::string& key) const {
    Material* m = material(key);
    return m ? m->thumb_holder : nullptr;
}

void IntakePanel::set_value(const std::string& key, const std::string& text) {
    Field* f = field(key);
    if (!f) return;
    if (f->text) {
        f->text->ChangeValue(wx(text));
    } else if (f->choice) {
        int at = f->choice->FindString(wx(text), true);
        f->choice->SetSelection(at == wxNOT_FOUND ? 0 : at);
    }
    changed();
}

void IntakePanel::set_table(const std::string& key,
                            const std::vector<std::map<std::string, std::string>>& rows) {
    Field* f = field(key);
    if (!f || !f->grid) return;
    f->grid->ClearGrid();
    if (f->grid->GetNumberRows() < static_cast<int>(rows.size()))
        f->grid->AppendRows(static_cast<int>(rows.size()) - f->grid->GetNumberRows());
    for (std::size_t r = 0; r < rows.size(); ++r)
        for (std::size_t c = 0; c < f->def.columns.size(); ++c) {
            auto cell = rows[r].find(f->def.columns[c].key);
            if (cell != rows[r].end()) f->grid->SetCellValue(int(r), int(c), wx(cell->second));
        }
    changed();
}

std::string IntakePanel::value(const std::string& key) const {
    Field* f = field(key);
    if (!f) return {};
    if (f->text) return utf8(f->text->GetValue());
    if (f->choice)
        return f->choice->GetSelection() > 0 ? utf8(f->choice->GetString(f->choice->GetSelection()))
                                             : "";
    return {};
}

std::string IntakePanel::message(const std::string& key) const {
    Field* f = field(key);
    return f ? utf8(f->message->GetLabel()) : std::string();
}

bool IntakePanel::field_shown(const std::string& key) const {
    Field* f = field(key);
    return f && f->shown;
}

Poco::JSON::Object::Ptr IntakePanel::collect_values() const {
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object(true);
    for (const auto& f : fields_) {
        const FieldDef& def = f->def.def;
        if (def.derived()) continue;
        if (f->grid) {
            Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
            for (int r = 0; r < f->grid->GetNumberRows(); ++r) {
                Poco::JSON::Object::Ptr row = new Poco::JSON::Object(true);
                for (std::size_t c = 0; c < f->def.columns.size(); ++c) {
                    const std::string cell = trim(utf8(f->grid->GetCellValue(r, int(c))));
                    if (!cell.empty()) row->set(f->def.columns[c].key, cell);
                }
                if (row->size() > 0) rows->add(row);
            }
            if (rows->size() > 0) values->set(def.key, rows);
            continue;
        }
        const std::string text = trim(value(def.key));
        if (text.empty()) continue;
        if (def.type == FieldType::Number || def.type == FieldType::Money) {
            char* end = nullptr;
            const double number = std::strtod(text.c_str(), &end);
            if (end && *end == '\0') {
                if (def.type == FieldType::Number && number == static_cast<long long>(number))
                    values->set(def.key, static_cast<long long>(number));
                else
                    values->set(def.key, number);
                continue;
            }
        }
        values->set(def.key, text);
    }
    return values;
}

IntakeRequest IntakePanel::request() const {
    IntakeRequest r;
    r.items = items_;
    r.clerk = services_.user().display_name;
    r.values = collect_values();
    r.source = "shell";
    for (const auto& m : materials_) {
        IntakeMaterial im;
        im.key = m->def.material.key;
        im.file = m->file;
        im.supplied = m->supplied->GetValue() || !m->file.empty();
        im.tolerated = m->tolerated->GetValue();
        im.promise = trim(utf8(m->promise->GetValue()));
        r.materials.push_back(std::move(im));
    }
    return r;
}

void IntakePanel::changed() {
    if (loading_ || items_.empty()) return;
    autosave_->StartOnce(1200);
}

void IntakePanel::leave_field(const std::string& key) {
    Field* f = field(key);
    if (!f || !form_) return;
    f->visited = true;
    review_now();
}

void IntakePanel::review_now() {
    try {
        IntakeReview review;
        {
            auto held = services_.lock();
            review = services_.intake().review(request());
        }
        show_review(review);
    } catch (const std::exception& e) {
        show_info(wx(e.what()), wxICON_ERROR);
    }
}

void IntakePanel::update_visibility(const Poco::JSON::Object::Ptr& values) {
    bool changed_layout = false;
    for (const auto& f : fields_) {
        const bool shown = condition_holds(f->def.def.visible_if, values);
        if (shown == f->shown) continue;
        f->shown = shown;
        f->label->Show(shown);
        f->control()->Show(shown);
        if (f->add_row) f->add_row->Show(shown);
        f->message->Show(shown);
        changed_layout = true;
    }
    if (changed_layout) {
        form_area_->Layout();
        form_area_->FitInside();
    }
}

void IntakePanel::show_review(const IntakeReview& review) {
    for (const auto& f : fields_) {
        const FieldDef& def = f->def.def;
        if (def.derived() && f->text) {
            f->text->ChangeValue(review.values->has(def.key)
                                     ? wx(text_of(review.values->get(def.key)))
                                     : wxString());
            continue;
        }
        wxString text;
        bool error = false;
        if (f->visited) {
            for (const auto& finding : review.findings) {
                if (finding.field != def.key) continue;
                std::string message = finding.message;
                for (const std::string separator : {": ", "："})
                    if (message.rfind(def.label + separator, 0) == 0)
                        message = message.substr(def.label.size() + separator.size());
                text += (text.empty() ? wxString() : wxString("; ")) + wx(message);
                error = error || finding.severity == "error";
            }
        }
        f->message->SetForegroundColour(error ? wxColour(192, 0, 0) : wxColour(176, 112, 0));
        if (f->message->GetLabel() != text) {
            f->message->SetLabel(text);
            f->message->Wrap(300);
        }
    }
    update_visibility(review.values);
    form_area_->Layout();
}

void IntakePanel::show_info(const wxString& text, int flags) { info_->ShowMessage(text, flags); }

DecisionResult IntakePanel::decide(const std::function<void(DecisionResult&)>& body) {
    DecisionResult result;
    try {
        if (items_.empty()) throw Error(ErrorKind::Input, tr("Choose an item first"));
        body(result);
    } catch (const std::exception& e) {
        result.kind = DecisionResult::Kind::Failed;
        result.message = e.what();
    }
    show_info(wx(result.message), result.kind == DecisionResult::Kind::Failed ||
                                          result.kind == DecisionResult::Kind::Invalid
                                      ? wxICON_ERROR
                                  : result.kind == DecisionResult::Kind::MaterialsMissing
                                      ? wxICON_WARNING
                                      : wxICON_INFORMATION);
    return last_ = result;
}

DecisionResult IntakePanel::accept() {
    return decide([this](DecisionResult& result) {
        IntakeReview review;
        const IntakeRequest r = request();
        {
            auto held = services_.lock();
            review = services_.intake().review(r);
        }
        for (auto& f : fields_) f->visited = true;
        show_review(review);
        if (!review.problems.empty()) {
            result.kind = DecisionResult::Kind::Invalid;
            result.message = trf("{} entries need correcting before the case can be accepted",
                                 std::to_string(review.problems.size()));
            for (const auto& f : fields_)
                if (!f->message->GetLabel().empty() && f->shown) {
                    f->control()->SetFocus();
                    break;
                }
            for (const auto& p : review.problems)
                if (p.subject == tr("Case")) result.message += "；" + p.reason;
            return;
        }
        if (!review.missing_materials.empty()) {
            std::string names;
            for (const auto& m : review.missing_materials)
                names += (names.empty() ? "" : "、") + m.name;
            result.kind = DecisionResult::Kind::MaterialsMissing;
            result.message = trf(
                "Materials missing: {}. Issue a one-time notice (F8), or accept with a tolerated "
                "gap where the item allows it.",
                names);
            return;
        }
        IntakeOutcome outcome;
        {
            auto held = services_.lock();
            outcome = services_.intake().accept(r);  // with the review above
        }
        if (outcome.kind != IntakeOutcome::Kind::Accepted) {
            result.kind = DecisionResult::Kind::Failed;
            result.message = outcome.problems.empty() ? "" : outcome.problems[0].reason;
            return;
        }
        result.kind = DecisionResult::Kind::Accepted;
        result.number = outcome.number;
        result.message =
            trf("Accepted: case number {}. The receipt is being printed.", outcome.number);
        finish_case();
        services_.wake_dispatcher();  // the items go to their back offices now
        render_document(result, true);
    });
}

DecisionResult IntakePanel::notice() {
    return decide([this](DecisionResult& result) {
        {
            auto held = services_.lock();
            result.number = services_.intake().notice(request());
        }
        result.kind = DecisionResult::Kind::Notice;
        result.message =
            trf("One-time notice {} issued; the draft is kept for the applicant's return.",
                result.number);
        save_draft_now();
        render_document(result, false);
    });
}

DecisionResult IntakePanel::refuse(const std::string& reason) {
    return decide([this, &reason](DecisionResult& result) {
        {
            auto held = services_.lock();
            result.number = services_.intake().refuse(request(), trim(reason));
        }
        result.kind = DecisionResult::Kind::Refused;
        result.message = trf("Refusal {} recorded", result.number);
        finish_case();
    });
}

void IntakePanel::focus_first_field() {
    for (const auto& f : fields_)
        if (f->shown && !f->def.def.derived()) {
            f->control()->SetFocus();
            form_area_->Scroll(0, 0);
            return;
        }
}

std::string IntakePanel::focused_field() const {
    const wxWindow* focus = FindFocus();
    for (const wxWindow* w = focus; w; w = w->GetParent()) {
        for (const auto& f : fields_)
            if (w == f->control()) return "field:" + f->def.def.key;
        for (const auto& m : materials_) {
            const std::string& key = m->def.material.key;
            if (w == m->supplied) return "supplied:" + key;
            if (w == m->tolerated) return "tolerated:" + key;
            if (w == m->promise) return "promise:" + key;
        }
    }
    return focus && wxDynamicCast(focus, wxButton) ? "button" : "";
}

void IntakePanel::read_id_card() {
    if (items_.empty()) {
        show_info(wtr("Choose an item first"), wxICON_WARNING);
        return;
    }
    show_info(wtr("Reading the ID card..."), wxICON_INFORMATION);
    auto card = std::make_shared<std::optional<IdCard>>();
    Counter& counter = services_.counter();
    // Without the Counter lock: the card reader is a device (it may take a second or two),
    // and the clerk's other work goes on meanwhile (Counter::read_id_card()).
    services_.run_unlocked([&counter, card] { *card = counter.read_id_card(); },
                           [this, card](std::exception_ptr error) {
                               if (error) {
                                   try {
                                       std::rethrow_exception(error);
                                   } catch (const std::exception& e) {
                                       show_info(wx(e.what()), wxICON_ERROR);
                                   }
                                   return;
                               }
                               fill_from_card(*card);
                           });
}

void IntakePanel::fill_from_card(const std::optional<IdCard>& card) {
    if (!card) {
        show_info(wtr("No card on the reader: lay the ID card on it and read again"),
                  wxICON_WARNING);
        return;
    }
    for (const auto& [key, value] : card->applicant_values()) {
        set_value(key, value);
        if (Field* f = field(key)) f->visited = true;
    }
    if (!card->image.empty()) attach_material("id_card", card->image);
    review_now();  // derived fields (birth date, sex, age) and the checks of what was filled
    const Date today = Date::today();
    if (card->expired(today))
        show_info(wxString::Format(wtr("The ID card of %s expired on %s: it cannot be accepted as "
                                       "proof of identity"),
                                   wx(card->name), wx(card->valid_until->chinese())),
                  wxICON_WARNING);
    else
        show_info(wxString::Format(wtr("ID card of %s read"), wx(card->name)), wxICON_INFORMATION);
    changed();
}

void IntakePanel::ask_refusal_reason() {
    if (items_.empty()) {
        refuse({});
        return;
    }
    wxTextEntryDialog dialog(this,
                             wtr("Why is the application not accepted? The applicant "
                                 "receives this reason in writing."),
                             wtr("Refuse to accept"), {}, wxOK | wxCANCEL | wxTE_MULTILINE);
    chinese_buttons(&dialog);
    if (dialog.ShowModal() == wxID_OK) refuse(utf8(dialog.GetValue()));
}

void IntakePanel::render_document(DecisionResult result, bool receipt) {
    const fs::path out =
        services_.documents_dir() / (result.number + (receipt ? "-receipt.pdf" : "-notice.pdf"));
    services_.render_in_background(
        [this, out, number = result.number, receipt] {
            Intake& intake = services_.intake();
            return receipt ? intake.prepare_receipt(number, out)
                           : intake.prepare_notice(number, out);
        },
        [this, result, out](std::exception_ptr error) mutable {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    show_info(wxString::Format(wtr("The document could not be printed: %s"),
                                               wx(e.what())),
                              wxICON_ERROR);
                }
                return;
            }
            result.document = out.string();
            if (last_.number == result.number) last_.document = result.document;
            if (on_document) on_document(result);
        });
}

void IntakePanel::finish_case() {
    autosave_->Stop();
    if (draft_id_ != 0) {
        auto held = services_.lock();
        services_.intake().remove_draft(draft_id_);
    }
    draft_id_ = 0;
    items_.clear();
    kept_ = std::make_unique<Kept>();
    rebuild();
}

void IntakePanel::save_draft_now() {
    autosave_->Stop();
    if (items_.empty()) return;
    try {
        const IntakeRequest r = request();
        auto held = services_.lock();
        // A supervisor may look at a form; only who takes cases in keeps drafts.
        if (!services_.session().may(Permission::ServeApplicants)) return;
        draft_id_ = services_.intake().save_draft(r, draft_id_);
    } catch (const std::exception& e) {
        show_info(wxString::Format(wtr("The draft could not be saved: %s"), wx(e.what())),
                  wxICON_ERROR);
    }
}

void IntakePanel::resume(const Draft& draft) {
    autosave_->Stop();
    DraftContent content;
    try {
        content = Intake::read_draft(draft);
    } catch (const std::exception& e) {
        show_info(wxString::Format(wtr("The draft could not be read: %s"), wx(e.what())),
                  wxICON_ERROR);
        return;
    }
    auto kept = std::make_unique<Kept>();
    kept->values = std::move(content.values);
    kept->tables = std::move(content.tables);
    for (const auto& m : content.materials) kept->materials[m.key] = m;
    items_ = std::move(content.items);
    kept_ = std::move(kept);
    draft_id_ = draft.id;
    rebuild();
    show_info(wxString::Format(wtr("Draft resumed: %s (saved %s)"), wx(draft.title),
                               wx(draft.updated_at)),
              wxICON_INFORMATION);
}

}  // namespace onewindow::gui
