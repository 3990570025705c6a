#include "switchboard/schema.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "switchboard/error.h"
#include "switchboard/query.h"

namespace switchboard {
namespace {

FieldDef column(const char* name, FieldType type, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.type = type;
  f.indexed = indexed;
  if (type == FieldType::kInt) f.default_value = Value(0);
  return f;
}

FieldDef user_column(const char* name) {  // Frappe stamps the session user; ours is Administrator
  FieldDef f = column(name, FieldType::kText);
  f.default_value = Value("Administrator");
  return f;
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= 0xff;  // field separator
  h *= 1099511628211ull;
  return h;
}

}  // namespace

const std::vector<FieldDef>& standard_columns(bool is_child) {
  static const std::vector<FieldDef> kParent = {
      column("name", FieldType::kText),          column("creation", FieldType::kDatetime, true),
      column("modified", FieldType::kDatetime),  user_column("modified_by"),
      user_column("owner"),                      column("docstatus", FieldType::kInt),
      column("idx", FieldType::kInt),
  };
  static const std::vector<FieldDef> kChild = {
      column("name", FieldType::kText),         column("creation", FieldType::kDatetime),
      column("modified", FieldType::kDatetime), user_column("modified_by"),
      user_column("owner"),                     column("docstatus", FieldType::kInt),
      column("idx", FieldType::kInt),           column("parent", FieldType::kText, true),
      column("parentfield", FieldType::kText),  column("parenttype", FieldType::kText),
  };
  return is_child ? kChild : kParent;
}

namespace {

// FNV-1a of a field name, folded to 32 bits (never 0 once shifted into a slot: index + 1 is
// in the low half).
std::uint32_t name_hash(std::string_view s) noexcept {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

// Called for every field of every written document: one hash and (almost always) one
// comparison instead of a tree walk.
const FieldDef* DocTypeDef::field(std::string_view field_name) const noexcept {
  if (by_name_.empty()) return nullptr;
  const std::uint32_t h = name_hash(field_name);
  const std::size_t mask = by_name_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = by_name_[i];
    if (slot == 0) return nullptr;
    if (static_cast<std::uint32_t>(slot >> 32) != h) continue;
    const FieldDef& f = columns_[static_cast<std::uint32_t>(slot) - 1];
    if (f.name == field_name) return &f;
  }
}

void DocTypeDef::finalize() {
  columns_ = standard_columns(is_child);
  for (const auto& f : fields) {
    if (!is_valid_field_name(f.name))
      throw ValidationError("doctype '" + name + "': bad field name '" + f.name + "'");
    FieldDef copy = f;
    if (copy.default_value.is_null()) {
      if (copy.type == FieldType::kInt) copy.default_value = Value(0);
      if (copy.type == FieldType::kReal) copy.default_value = Value(0.0);
    }
    bool replaced = false;
    for (auto& c : columns_) {
      if (c.name == copy.name) {  // a doctype may refine a standard column (e.g. an index)
        c = copy;
        replaced = true;
      }
    }
    if (!replaced) columns_.push_back(std::move(copy));
  }
  defaults_.clear();
  for (const auto& c : columns_)
    if (!c.default_value.is_null()) defaults_.emplace_back(c.name, c.default_value);
  auto by_name = [](const Document::Field& a, const Document::Field& b) { return a.first < b.first; };
  std::sort(defaults_.begin(), defaults_.end(), by_name);
  insert_defaults_ = defaults_;
  for (const char* stamped : {"name", "creation", "modified"}) {
    auto it = std::find_if(insert_defaults_.begin(), insert_defaults_.end(),
                           [&](const Document::Field& f) { return f.first == stamped; });
    if (it == insert_defaults_.end()) insert_defaults_.emplace_back(stamped, Value());
  }
  std::sort(insert_defaults_.begin(), insert_defaults_.end(), by_name);
  column_order_.resize(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) column_order_[i] = static_cast<std::uint32_t>(i);
  std::sort(column_order_.begin(), column_order_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return columns_[a].name < columns_[b].name; });
  std::size_t slots = 8;
  while (slots < columns_.size() * 2) slots *= 2;  // at most half full
  by_name_.assign(slots, 0);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (field(columns_[i].name))
      throw ValidationError("doctype '" + name + "': field '" + columns_[i].name + "' twice");
    const std::uint32_t h = name_hash(columns_[i].name);
    std::size_t s = h & (slots - 1);
    while (by_name_[s] != 0) s = (s + 1) & (slots - 1);
    by_name_[s] = (static_cast<std::uint64_t>(h) << 32) | static_cast<std::uint64_t>(i + 1);
  }
  for (const auto& index : indexes)
    for (const auto& col : index)
      if (!field(col))
        throw ValidationError("doctype '" + name + "': index on unknown field '" + col + "'");
  std::vector<std::string_view> derived_targets;
  for (const auto& d : derived) {
    if (!d.compute || d.targets.empty())
      throw ValidationError("doctype '" + name + "': derived fields need targets and a compute");
    for (const auto& src : d.sources)
      if (!field(src))
        throw ValidationError("doctype '" + name + "': derived from unknown field '" + src + "'");
    for (const auto& t : d.targets) {
      const bool is_source = std::find(d.sources.begin(), d.sources.end(), t) != d.sources.end();
      const bool taken = std::find(derived_targets.begin(), derived_targets.end(), t) !=
                         derived_targets.end();
      if (!field(t) || t == "name" || is_source || taken)
        throw ValidationError("doctype '" + name + "': bad derived field '" + t + "'");
      derived_targets.push_back(t);
    }
  }
  if (naming == NamingRule::kField && !field(naming_arg))
    throw ValidationError("doctype '" + name + "': naming field '" + naming_arg + "' missing");
}

Schema::Schema(const Schema& other) { *this = other; }

Schema& Schema::operator=(const Schema& other) {
  if (this == &other) return *this;
  order_.clear();
  by_name_.clear();
  slots_.clear();
  for (const auto& d : other.order_) add(*d);
  return *this;
}

void Schema::add(DocTypeDef def) {
  if (def.name.empty() || def.name.size() > 61 ||
      def.name.find_first_of("\"`'\\\n\r\t") != std::string::npos)
    throw ValidationError("bad doctype name '" + def.name + "'");
  def.finalize();
  auto it = by_name_.find(def.name);
  if (it != by_name_.end()) {
    *it->second = std::move(def);
    return;
  }
  order_.push_back(std::make_unique<DocTypeDef>(std::move(def)));
  by_name_.emplace(order_.back()->name, order_.back().get());
  index_names();
}

void Schema::index_names() {
  std::size_t n = 8;
  while (n < order_.size() * 2) n *= 2;  // at most half full
  slots_.assign(n, 0);
  for (std::size_t i = 0; i < order_.size(); ++i) {
    const std::uint32_t h = name_hash(order_[i]->name);
    std::size_t s = h & (n - 1);
    while (slots_[s] != 0) s = (s + 1) & (n - 1);
    slots_[s] = (static_cast<std::uint64_t>(h) << 32) | static_cast<std::uint64_t>(i + 1);
  }
}

void Schema::change(std::string_view doctype, const std::function<void(DocTypeDef&)>& edit) {
  auto it = by_name_.find(doctype);
  if (it == by_name_.end())
    throw NotFound("unknown doctype '" + std::string(doctype) + "'", ErrorCode::kUnknownDoctype);
  DocTypeDef copy = *it->second;  // validated before it replaces the original
  edit(copy);
  copy.finalize();
  *it->second = std::move(copy);
}

void Schema::add_field(std::string_view doctype, FieldDef field) {
  change(doctype, [&](DocTypeDef& d) { d.fields.push_back(std::move(field)); });
}

void Schema::add_derived(std::string_view doctype, DerivedFields derived) {
  change(doctype, [&](DocTypeDef& d) { d.derived.push_back(std::move(derived)); });
}

void Schema::add_index(std::string_view doctype, std::vector<std::string> columns) {
  change(doctype, [&](DocTypeDef& d) {
    if (columns.empty()) throw ValidationError("an index needs at least one column");
    d.indexes.push_back(std::move(columns));
  });
}

// Called by every store operation: one hash and (almost always) one comparison.
const DocTypeDef* Schema::find(std::string_view doctype) const noexcept {
  if (slots_.empty()) return nullptr;
  const std::uint32_t h = name_hash(doctype);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0) return nullptr;
    if (static_cast<std::uint32_t>(slot >> 32) != h) continue;
    const DocTypeDef* d = order_[static_cast<std::uint32_t>(slot) - 1].get();
    if (d->name == doctype) return d;
  }
}

const DocTypeDef& Schema::get(std::string_view doctype) const {
  const DocTypeDef* d = find(doctype);
  if (!d)
    throw NotFound("unknown doctype '" + std::string(doctype) + "'", ErrorCode::kUnknownDoctype);
  return *d;
}

std::string Schema::fingerprint() const {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& d : order_) {
    h = fnv1a(h, d->name);
    h = fnv1a(h, d->is_child ? "child" : "parent");
    for (const auto& c : d->columns()) {
      h = fnv1a(h, c.name);
      h = fnv1a(h, std::to_string(static_cast<int>(c.type)));
      h = fnv1a(h, c.default_value.to_text());
      h = fnv1a(h, c.indexed ? "i" : "-");
      h = fnv1a(h, c.unique ? "u" : "-");
    }
    for (const auto& index : d->indexes)
      for (const auto& col : index) h = fnv1a(h, "ix:" + col);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace switchboard
