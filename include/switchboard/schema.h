// switchboard: the doctypes the library knows (Frappe's names, fields and naming rules).
// A Schema is immutable once handed to a store: thread-safe for concurrent reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <functional>
#include <map>
#include <vector>

#include "switchboard/document.h"
#include "switchboard/export.h"

namespace switchboard {

struct SiteConfig;

/// Storage class of a field (Frappe fieldtypes map onto these, as in Frappe's SQLite map).
enum class FieldType {
  kText,      ///< Data, Link, Select, Small/Long Text, Text Editor, Code, Password, ...
  kInt,       ///< Int, Check: NOT NULL, default 0
  kReal,      ///< Float, Currency, Percent, Duration: NOT NULL, default 0.0
  kDate,      ///< "YYYY-MM-DD" text
  kDatetime,  ///< "YYYY-MM-DD HH:MM:SS[.ffffff]" text, naive system time
};

struct SWITCHBOARD_EXPORT FieldDef {
  std::string name;
  FieldType type = FieldType::kText;
  Value default_value;  ///< applied on insert when the field is absent; Int/Real default to 0
  bool indexed = false;
  bool unique = false;  ///< enforced by every backend (nulls and "" exempt)
  /// Text fields only. Every stored text has invalid UTF-8 replaced by U+FFFD and NUL and
  /// other control characters removed. A single-line field (Frappe's Data, Link, Select) also
  /// turns line breaks and tabs into one space; a long one (Text, Long Text) keeps them.
  bool single_line = false;
  /// Text fields only: characters kept, the rest cut (Frappe's Data holds 140); 0 = no limit.
  std::size_t max_length = 0;
};

/// Fields a store derives from other fields of the same document (e.g. phone match keys).
/// On insert the store sets `targets` from the document's `sources`; on update and
/// update_where whose changes name a source or a target, it recomputes the targets from the
/// sources after the change, reading the stored row for sources the change lacks. Values a
/// caller gives for targets are always replaced, so stored targets equal compute(sources).
struct SWITCHBOARD_EXPORT DerivedFields {
  std::vector<std::string> sources;  ///< declared fields read by `compute`
  std::vector<std::string> targets;  ///< declared fields written by `compute`
  /// Gets the store's site facts and every source (null when unset) and sets targets in `out`
  /// (missing ones become null). Must be pure, thread-safe and must not throw.
  std::function<void(const SiteConfig& site, const Document& sources, Document& out)> compute;
};

/// A Table field: rows of `child_doctype` with parentfield = `fieldname`.
struct ChildTableDef {
  std::string fieldname;
  std::string child_doctype;
};

/// How a document gets its `name` when the caller gives none.
enum class NamingRule {
  kHash,    ///< 10 lowercase base32hex characters (Communication, File, child rows)
  kSeries,  ///< naming series pattern, e.g. "CRM-LEAD-.YYYY.-.#####" -> CRM-LEAD-2026-00001
  kField,   ///< the value of a field (`naming_arg`); falls back to a hash when it is empty
  kSingle,  ///< the doctype name itself (Frappe single doctypes)
};

struct SWITCHBOARD_EXPORT DocTypeDef {
  std::string name;
  bool is_child = false;
  NamingRule naming = NamingRule::kHash;
  std::string naming_arg;  ///< series pattern or field name
  /// kField only: when the field value is taken, append separator + 1, 2, ... (Frappe's
  /// append_number_if_name_exists); empty = a taken name is a duplicate error.
  std::string dedupe_separator;
  std::vector<FieldDef> fields;
  std::vector<std::vector<std::string>> indexes;  ///< extra (composite) indexes
  std::vector<ChildTableDef> tables;
  /// Derived fields the store maintains (see DerivedFields); a target belongs to one entry.
  std::vector<DerivedFields> derived;

  /// The definition of a declared field (standard columns included), or nullptr.
  const FieldDef* field(std::string_view name) const noexcept;
  /// Every declared column: standard ones first, then `fields`.
  const std::vector<FieldDef>& columns() const noexcept { return columns_; }
  /// (column, default) for every column with a non-null default, sorted by column name.
  const std::vector<Document::Field>& defaults() const noexcept { return defaults_; }
  /// defaults() plus name, creation and modified as null (sorted): what an insert fills in one
  /// pass before it names and stamps the document, so those three are set in place.
  const std::vector<Document::Field>& insert_defaults() const noexcept { return insert_defaults_; }
  /// Positions in columns() in order of column name (a merge walk over a Document's fields).
  const std::vector<std::uint32_t>& column_order() const noexcept { return column_order_; }
  /// Fills `columns_` and the lookup index; called by Schema::add.
  void finalize();

 private:
  std::vector<FieldDef> columns_;
  std::vector<Document::Field> defaults_;
  std::vector<Document::Field> insert_defaults_;
  std::vector<std::uint32_t> column_order_;
  /// Open-addressing hash table over `columns_`: (name hash << 32) | (index + 1); 0 = empty.
  std::vector<std::uint64_t> by_name_;
};

/// The standard columns every Frappe table has, in order.
SWITCHBOARD_EXPORT const std::vector<FieldDef>& standard_columns(bool is_child);

/// A set of doctype definitions. `Schema::standard()` holds every doctype of a Frappe CRM +
/// Helpdesk + ERPNext site the library touches, with every area's fields; copy it and `add`
/// your own.
class SWITCHBOARD_EXPORT Schema {
 public:
  Schema() = default;
  /// The built-in schema (a shared immutable instance).
  static std::shared_ptr<const Schema> standard();

  /// Adds or replaces a doctype; validates names and finalizes it. Throws ValidationError.
  void add(DocTypeDef def);
  /// Adds a field to an existing doctype (a site's custom field). Throws on unknown doctype.
  void add_field(std::string_view doctype, FieldDef field);
  /// Adds derived fields to an existing doctype. Throws NotFound on an unknown doctype and
  /// ValidationError when a source or target is not a declared field or a target is taken.
  void add_derived(std::string_view doctype, DerivedFields derived);
  /// Adds a (composite) index on existing fields of a doctype, e.g. {"key", "creation"} so
  /// "newest with this key" is one index walk. Throws NotFound / ValidationError.
  void add_index(std::string_view doctype, std::vector<std::string> columns);
  /// The doctype or nullptr.
  const DocTypeDef* find(std::string_view doctype) const noexcept;
  /// The doctype; throws NotFound (code unknown_doctype) when missing.
  const DocTypeDef& get(std::string_view doctype) const;
  /// All doctypes in the order they were added.
  const std::vector<std::unique_ptr<DocTypeDef>>& doctypes() const noexcept { return order_; }
  /// A stable fingerprint of every table, column, type and index (drives SQLite migration).
  std::string fingerprint() const;

  Schema(const Schema& other);
  Schema& operator=(const Schema& other);
  Schema(Schema&&) noexcept = default;
  Schema& operator=(Schema&&) noexcept = default;

 private:
  void change(std::string_view doctype, const std::function<void(DocTypeDef&)>& edit);
  void index_names();
  std::vector<std::unique_ptr<DocTypeDef>> order_;
  std::map<std::string, DocTypeDef*, std::less<>> by_name_;
  /// Open-addressing hash table over `order_` for find(): (name hash << 32) | (index + 1).
  std::vector<std::uint64_t> slots_;
};

}  // namespace switchboard
