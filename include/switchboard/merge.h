// switchboard: merged records and their survivors.
// Thread-safe: free functions over a thread-safe Store.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/export.h"
#include "switchboard/store.h"

namespace switchboard {

/// The field of `doctype` that points at the record it was merged into ("merged_with" for
/// HD Ticket, as Helpdesk does; "custom_merged_into" for CRM Lead), or "" when the doctype
/// is never merged.
SWITCHBOARD_EXPORT std::string_view merge_pointer_field(std::string_view doctype) noexcept;

/// The record that `name` ended up in: follows merge pointers until a record that was not
/// merged (or that no longer exists). Safe against cycles and long chains: it stops at the
/// first record seen twice, or after 64 hops, and returns the last record reached. Returns
/// `name` itself when it was never merged. Never throws for unknown names.
SWITCHBOARD_EXPORT std::string resolve_survivor(Store& store, std::string_view doctype,
                                                std::string_view name);

}  // namespace switchboard
