// Internal: copying Communications with their links and attachments (used by
// copy_communication and the transfers). Thread-safe: functions over a Store.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/store.h"

namespace switchboard::conversations {

/// Where copies go and which links they must not carry over.
struct CopyTarget {
  std::string doctype;
  std::string name;
  std::string owner;           ///< the target's owner (Communication.reference_owner)
  std::string source_doctype;  ///< timeline links to the source are dropped ("" keeps all)
  std::string source_name;
};

/// Copies `originals` (complete Communication documents, oldest first) onto the target, in
/// the caller's transaction. Each copy is strictly newer than its original and than the
/// previous copy (thread order kept even under a frozen clock); `in_reply_to` pointing at a
/// copied original is pointed at its copy. Returns (original, copy) names in order.
std::vector<std::pair<std::string, std::string>> copy_all(Store& store,
                                                          const std::vector<Document>& originals,
                                                          const CopyTarget& target);

/// The document, complete; throws NotFound ("<doctype> '<name>' not found") when absent.
Document require(Store& store, std::string_view doctype, std::string_view name);

/// Text as a field value: null for "" (Frappe's "not set").
inline Value or_null(const std::string& s) { return s.empty() ? Value() : Value(s); }

/// The target record; throws NotFound when it does not exist.
CopyTarget target_of(Store& store, std::string_view doctype, std::string_view name);

}  // namespace switchboard::conversations
