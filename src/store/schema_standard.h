// Internal: default records (Frappe's default statuses) seeded into new stores.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "switchboard/document.h"

namespace switchboard {

/// (doctype, document) pairs every fresh store starts with; names come from naming fields.
const std::vector<std::pair<std::string, Document>>& standard_records();

}  // namespace switchboard
