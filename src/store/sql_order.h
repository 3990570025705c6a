// Internal: the ORDER BY clause both SQL backends write from a Query's order_by.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/query.h"

namespace switchboard::store_detail {

/// Appends " ORDER BY ..." for `order_by` (nothing when empty), leaving out terms on columns
/// `has_column(name)` says the table lacks (an all-null column orders nothing); `append_ident
/// (sql, name)` writes an identifier the dialect's way.
template <typename HasColumn, typename AppendIdent>
void append_order_by(std::string& sql, std::string_view order_by, const HasColumn& has_column,
                     const AppendIdent& append_ident) {
  if (order_by.empty()) return;
  bool first = true;
  for (const auto& t : parse_order_by(order_by)) {
    if (!has_column(t.field)) continue;
    sql += first ? " ORDER BY " : ", ";
    first = false;
    append_ident(sql, t.field);
    sql += t.descending ? " DESC" : " ASC";
  }
}

}  // namespace switchboard::store_detail
