// Reading a resident ID card (居民身份证) through a device plugin (ABI 1.1, kind
// "id_card_reader"). The shell never talks to a reader: it asks the core, the core asks the
// plugin that drives the reader, and checks what comes back before anything reaches a form.
// A real reader driver and the bundled simulator (plugins/idcard_simulator) take the same path.
// Threads: as PluginHost (any thread; calls into one plugin take turns).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/date.hpp"
#include "onewindow/core/plugin_host.hpp"

namespace onewindow {

struct IdCard {
    std::string name, sex, ethnicity, address, id_number, issuer;
    Date birth_date;
    Date valid_from;
    std::optional<Date> valid_until;  // nullopt: 长期 (valid without end)
    std::filesystem::path image;      // an image of the card, when the reader gives one

    bool expired(Date today) const { return valid_until && *valid_until < today; }
    /// The shared dictionary's applicant fields this card fills: applicant.name,
    /// applicant.id_number, applicant.ethnicity (with the 族 the dictionary's options carry),
    /// applicant.hukou_address (the card's address is the household registration address).
    std::map<std::string, std::string> applicant_values() const;
};

/// Reads the card on `reader`: nullopt when no card lies on it. Error(Plugin) when the device
/// fails; Error(Input) naming the field when the card data is wrong (an ID number whose check
/// character fails, a birth date that differs from the ID number's, ...).
std::optional<IdCard> read_id_card(PluginHost& host, const DeviceInfo& reader, Date today);

/// Checks a reader's answer ({"card": null | {...}}, see abi.h); `source` names it in errors.
std::optional<IdCard> parse_id_card_answer(const Poco::JSON::Object::Ptr& answer,
                                           const std::string& source, Date today);

}  // namespace onewindow
