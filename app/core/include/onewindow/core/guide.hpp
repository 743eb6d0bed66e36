// The standard service guide (办事指南) of one item, from the catalogue data alone.
//
// guide_data() turns a ServiceItem into the data of templates/common/guide.json, applying the
// service-guide conventions (domain.md): an immediate item reads "即办"; a promised item reads
// "自受理之日起 N 个工作日内办结" with the legal limit beside it; a free item reads "不收费",
// never a blank. (The dictionary refuses a catch-all "其他材料".) Pure function; thread-safe.
#pragma once

#include <Poco/JSON/Object.h>

#include "onewindow/core/forms.hpp"

namespace onewindow {

Poco::JSON::Object::Ptr guide_data(const ServiceItem& item);

}  // namespace onewindow
