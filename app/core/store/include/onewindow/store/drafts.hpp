// Drafts of cases being taken in: kept (and autosaved) so that nothing typed is lost to a crash
// or a power cut, and resumed at the next login. Not audited: they are the clerk's scratch until
// a decision. Autosaved often, so kept small and fast.
// Threads: as Database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "onewindow/store/database.hpp"

namespace onewindow {

struct Draft {
    long long id = 0;  // 0: not saved yet
    std::string clerk, counter, title;
    std::string items_json = "[]", values_json = "{}", materials_json = "[]";
    std::string created_at, updated_at;
};

namespace store {

class DraftRepository {
  public:
    explicit DraftRepository(Database& db) : db_(db) {}
    long long save(const Draft& draft);  // inserts when id == 0 (or gone); returns the id
    std::vector<Draft> of_clerk(const std::string& clerk) const;  // newest first
    std::optional<Draft> find(long long id) const;
    void remove(long long id);

  private:
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
