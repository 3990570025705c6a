// Internal: the Contact behind a transferred conversation, found by normalized email, then by
// phone key, and created or completed. Thread-safe: functions over a Store.
#pragma once

#include <string>

#include "switchboard/store.h"

namespace switchboard::conversations {

/// Who the customer is, as read from the source record.
struct Customer {
  std::string full_name;
  std::string email;    ///< lower-cased, outside the internal domains ("" when unknown)
  std::string phone;    ///< as written on the source
  std::string contact;  ///< a Contact the source already links to ("" when none)
};

/// The Contact of `customer`: the linked one if it exists, else the oldest whose email
/// (Contact Email rows or email_id, ignoring case) or phone (Contact Phone rows, compared by
/// E.164 key in `region`) matches; created when none does. Missing email/phone rows and
/// empty names are added to a found Contact. Returns "" when the customer has neither email
/// nor phone. Writes in the caller's transaction.
std::string ensure_contact(Store& store, const Customer& customer, const std::string& region);

}  // namespace switchboard::conversations
