#include "onewindow/core/id_card.hpp"

#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

std::map<std::string, std::string> IdCard::applicant_values() const {
    std::string nation = ethnicity;
    if (!nation.empty() && nation.find("族") == std::string::npos) nation += "族";
    return {{"applicant.name", name},
            {"applicant.id_number", id_number},
            {"applicant.ethnicity", nation},
            {"applicant.hukou_address", address}};
}

std::optional<IdCard> parse_id_card_answer(const Poco::JSON::Object::Ptr& answer,
                                           const std::string& source, Date today) {
    Issues issues;
    auto r = ObjectReader(answer, source, "$", issues);
    if (!r.has("card")) {
        r.reject_unknown({"card"});
        if (!answer->has("card")) r.fail("card", "is missing");
        issues.throw_if_any();
        return std::nullopt;  // "card": null — no card on the reader
    }
    auto c = r.object("card", true);
    IdCard card;
    card.name = c.string("name");
    card.sex = c.string("sex");
    if (!card.sex.empty() && card.sex != "男" && card.sex != "女")
        c.fail("sex", tr("must be 男 or 女"));
    card.ethnicity = c.string("ethnicity");
    card.address = c.string("address");
    card.id_number = c.string("id_number");
    card.issuer = c.string("issuer");
    auto date = [&](const std::string& key) -> std::optional<Date> {
        const std::string text = c.string(key);
        auto parsed = Date::parse(text);
        if (!parsed && !text.empty()) c.fail(key, tr("must be a date YYYY-MM-DD"));
        return parsed;
    };
    card.birth_date = date("birth_date").value_or(Date{});
    card.valid_from = date("valid_from").value_or(Date{});
    if (c.opt_string("valid_until").value_or("") != "长期") card.valid_until = date("valid_until");
    if (auto image = c.opt_string("image"); image && !image->empty()) {
        card.image = *image;
        if (!card.image.is_absolute() || !std::filesystem::is_regular_file(card.image))
            c.fail("image", trf("{} is not an image file", *image));
    }
    c.reject_unknown({"name", "sex", "ethnicity", "birth_date", "address", "id_number", "issuer",
                      "valid_from", "valid_until", "image"});
    if (!card.id_number.empty()) {
        if (auto problem = id_number_problem(card.id_number, today)) {
            c.fail("id_number", *problem);
        } else if (auto info = parse_id_number(card.id_number, today)) {
            if (info->birth_date != card.birth_date)
                c.fail("birth_date", tr("differs from the birth date in the ID number"));
            if (!card.sex.empty() && (card.sex == "男") != info->male)
                c.fail("sex", tr("differs from the sex in the ID number"));
        }
    }
    issues.throw_if_any();
    return card;
}

std::optional<IdCard> read_id_card(PluginHost& host, const DeviceInfo& reader, Date today) {
    auto answer = host.call_device(reader.plugin_id, reader.id, "read");
    try {
        return parse_id_card_answer(answer, reader.name, today);
    } catch (const Error& e) {
        throw Error(ErrorKind::Input, trf("The card data from the reader is wrong: {}", e.what()));
    }
}

}  // namespace onewindow
