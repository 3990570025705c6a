// Internal: the Frappe doctypes of the site model and the records every fresh store starts with.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/schema.h"

namespace switchboard {

/// Frappe core, Contacts, Frappe CRM, Helpdesk and ERPNext doctypes as switchboard knows them,
/// plus switchboard's own settings doctype; without any area's fields.
Schema frappe_schema();

/// (doctype, document) pairs every fresh store starts with; names come from naming fields.
const std::vector<std::pair<std::string, Document>>& standard_records();

}  // namespace switchboard
