// Errors of the core library.
//
// The core reports failures as exceptions of one type, `onewindow::Error`, carrying a kind (what
// class of failure, so a CLI can map it to an exit code) and a message in words a user can act on
// (naming the file, field or case concerned). Lower layers never let a library exception
// (Poco, SQLite, libharu) escape the core unwrapped. Thread-safety: plain value types.
#pragma once

#include <stdexcept>
#include <string>

namespace onewindow {

enum class ErrorKind {
    Input = 2,      // bad input: a file, a field, a command line argument
    Storage = 3,    // the database or the material store failed; nothing was changed
    Plugin = 4,     // a plugin failed to load or a call into it failed
    Document = 5,   // a document could not be rendered
    NotFound = 6,   // a case, item or template that does not exist
    Integrity = 7,  // a check of stored data failed (audit chain broken, hash mismatch)
    Denied = 8      // the user's role does not allow it (recorded as an audit event)
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }
    /// Process exit code a command line tool returns for this error.
    int exit_code() const noexcept { return static_cast<int>(kind_); }

  private:
    ErrorKind kind_;
};

}  // namespace onewindow
