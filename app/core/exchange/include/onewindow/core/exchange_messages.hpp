// The messages of the exchange protocol v1 between a counter and a department back office, as
// typed structs with ONE codec that both sides call, so the two cannot drift apart:
//   CaseMessage      POST /v1/cases body: one item of one accepted case. The counter writes it
//                    at acceptance (store/cases.cpp, kept byte for byte in the outbox row); the
//                    back office reads it (app/backoffice intake.cpp).
//   DecisionMessage  one entry of GET /v1/decisions: what a department decided on an item. The
//                    back office writes it (app/backoffice store.cpp); the counter reads it when
//                    it pulls (dispatcher.cpp).
//   SupplementMessage POST /v1/supplements body: materials the applicant brought later to an
//                    item already sent (a tolerated gap's promise kept, or what a correction
//                    asked for), at any counter of the centre (store/supplements.cpp writes it,
//                    app/backoffice supplements.cpp reads it).
// The signatures of the requests that carry them are in exchange_auth.hpp.
//
// Reading never throws on bad content: every missing field, wrong type or bad value is one
// Issue naming the field's JSON path under the given file and path ("$.materials[0].sha256:
// must be a SHA-256 in 64 lowercase hex digits"), and reading goes on, so all problems are told
// at once. Writing keeps the key order below (a retry sends the same bytes).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/core/json.hpp"

namespace onewindow::exchange {

/// A material of a case as it travels; the scan itself follows by its SHA-256
/// (PUT /v1/materials/<sha256>).
struct CaseMaterial {
    std::string key, name;  // name: a plain file name, no folders
    int originals = 0, copies = 0;
    std::string sha256;                        // 64 lowercase hex digits; empty: no scan
    std::optional<std::string> tolerated_gap;  // tolerated (容缺): the applicant's promise
};

/// POST /v1/cases. Keys in this order: case_number, item, item_version, department,
/// accepted_at, applicant, values, labels (when any), types (when any), materials.
struct CaseMessage {
    std::string case_number, item;  // required; the Idempotency-Key is "<case_number>/<item>"
    int item_version = 1;
    std::string department;   // required: the department code that decides
    std::string accepted_at;  // the counter's local "YYYY-MM-DD HH:MM:SS"
    // The form's data, as the form defines it: {"name", "id_number", "phone"} and {key: value}.
    Poco::JSON::Object::Ptr applicant, values;
    // The form's labels and the dictionary types of the values, {key: text}; may be empty.
    Poco::JSON::Object::Ptr labels, types;
    std::vector<CaseMaterial> materials;
};

/// One entry of GET /v1/decisions. Keys in this order: cursor, reference, case_number, item,
/// department, outcome, reason, data, missing_materials, decided_by, decided_at.
struct DecisionMessage {
    long long cursor = 0;           // required, >= 1: the back office's order of decisions
    std::string reference;          // the back office's case reference ("BO-000001")
    std::string case_number, item;  // required
    std::string department;         // the department code that decided
    std::string outcome;            // required: approved | rejected | correction
    std::string reason;             // rejected and correction: why
    Poco::JSON::Object::Ptr data;   // approved: the result document's fields
    std::vector<std::string> missing_materials;  // correction: what to bring
    std::string decided_by;
    std::string decided_at;  // required: UTC "YYYY-MM-DDTHH:MM:SSZ"
};

/// POST /v1/supplements: materials supplied later to one item of a case the back office has
/// (its Idempotency-Key "<supplement>/<item>"). Keys in this order: supplement, case_number,
/// item, department, reason, supplied_at, counter, materials.
struct SupplementMessage {
    std::string supplement;         // required: its number, "<case number>-BJ<n>"
    std::string case_number, item;  // required: the item it is for, as sent with POST /v1/cases
    std::string department;         // required
    std::string reason;       // required: tolerated (a 容缺 promise kept) | correction (补正)
    std::string supplied_at;  // the counter's local "YYYY-MM-DD HH:MM:SS"
    std::string counter;      // where it was supplied (WX02)
    std::vector<CaseMaterial> materials;  // required, at least one, each with its scan
};

Poco::JSON::Object::Ptr case_to_json(const CaseMessage& message);
/// Reads a case body; every problem is an issue under `file` and `path` (the case is what could
/// be read).
CaseMessage case_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                           const std::string& path, Issues& issues);

Poco::JSON::Object::Ptr decision_to_json(const DecisionMessage& message);
/// Reads one decision; every problem is an issue under `file` and `path`.
DecisionMessage decision_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                                   const std::string& path, Issues& issues);

Poco::JSON::Object::Ptr supplement_to_json(const SupplementMessage& message);
/// Reads a supplement body; every problem is an issue under `file` and `path`.
SupplementMessage supplement_from_json(const Poco::Dynamic::Var& json, const std::string& file,
                                       const std::string& path, Issues& issues);

/// True for 64 lowercase hex digits: the name of a scan.
bool is_sha256_hex(std::string_view text);
/// True for a plain file name: no folder part, no "." or "..", no control characters, at most
/// 255 bytes.
bool is_plain_file_name(std::string_view name);

}  // namespace onewindow::exchange
