// The schema of the case store, step by step for each engine (schema.cpp). Not a public header.
#pragma once

#include <array>

#include "onewindow/store/database.hpp"

namespace onewindow::store {

/// Forward-only migrations: step i brings a store from version i to i + 1. Both engines have
/// the same number of steps, and a version means the same tables on both.
const std::array<const char*, kSchemaVersion>& schema_steps(Engine engine);

}  // namespace onewindow::store
