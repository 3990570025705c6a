// Which records match on a phone number: extensions, company numbers, shared numbers and the
// distinct-customer guard. Shared by bulk_merge and the one-record merges.
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "core/text.h"
#include "merge_internal.h"

namespace switchboard::merge_detail {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool is_open(const Kind& kind, const Facts& facts, const Document& doc) {
  if (kind.doctype == "CRM Lead")
    return doc.integer("converted") == 0 &&
           !contains(facts.closed_lead_statuses, doc.text("status"));
  return !contains(facts.options.closed_statuses.value(), doc.text("status"));
}

std::vector<std::string> customer_tokens(const Kind& kind, const Facts& facts, const Document& doc) {
  std::vector<std::string> out;
  for (const auto& f : kind.customer_fields) {
    std::string v = text::trim(doc.text(f));
    if (v.empty()) continue;
    if (f == "contact") {  // a contact is a name
      out.push_back("c:" + v);
      continue;
    }
    // An address names a customer unless it is staff: Helpdesk fills raised_by with the
    // agent who created the ticket ("Administrator", or a company address).
    EmailAddress address = parse_email_address(v);
    if (address.empty() || facts.staff_domains.contains(address)) continue;
    out.push_back("e:" + address.address);
  }
  return out;
}

Holder holder_of(const Kind& kind, const Facts& facts, const Document& doc) {
  Holder h;
  h.name = doc.text("name");
  h.creation = doc.text("creation");
  h.in_scope = in_scope(kind, facts.options, doc);
  h.open = is_open(kind, facts, doc);
  h.customers = customer_tokens(kind, facts, doc);
  for (const auto& f : *kind.keys) {
    const Value& key = doc.get(f.key);
    if (key.is_empty()) continue;
    std::pair<std::string, std::string> n{key.to_text(), doc.text(f.extension)};
    if (std::find(h.numbers.begin(), h.numbers.end(), n) == h.numbers.end())
      h.numbers.push_back(std::move(n));
  }
  return h;
}

bool older(const Holder& a, const Holder& b) {
  return a.creation != b.creation ? a.creation < b.creation : a.name < b.name;
}

std::int64_t distinct_customers(const std::vector<Holder>& holders,
                                const std::vector<std::uint32_t>& members) {
  // Union-find over the members; two members sharing a token are one customer.
  std::vector<std::size_t> parent(members.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::unordered_map<std::string, std::size_t> first_with;
  for (std::size_t i = 0; i < members.size(); ++i)
    for (const auto& t : holders[members[i]].customers) {
      auto [it, fresh] = first_with.emplace(t, i);
      if (!fresh) parent[find(i)] = find(it->second);
    }
  std::int64_t n = 0;
  for (std::size_t i = 0; i < members.size(); ++i)
    if (!holders[members[i]].customers.empty() && find(i) == i) ++n;
  return n;
}

SharedNumber shared_number(std::string key, const std::vector<Holder>& holders,
                           std::vector<std::uint32_t> members, std::int64_t cap,
                           std::string reason) {
  std::sort(members.begin(), members.end(),
            [&](std::uint32_t a, std::uint32_t b) { return older(holders[a], holders[b]); });
  SharedNumber s;
  s.key = std::move(key);
  s.count = static_cast<std::int64_t>(members.size());
  if (static_cast<std::int64_t>(members.size()) > cap + 1)
    members.resize(static_cast<std::size_t>(cap + 1));
  for (auto m : members) s.names.push_back(holders[m].name);
  s.reason = std::move(reason);
  return s;
}

std::vector<NumberMatch> match_numbers(const std::vector<Holder>& holders, const Facts& facts,
                                       std::vector<SharedNumber>& shared, std::int64_t only) {
  const MergeOptions& o = facts.options;
  // (key, extension, holder), sorted: runs of one key, and within them runs of one extension.
  using Entry = std::tuple<std::string, std::string, std::uint32_t>;
  std::vector<Entry> entries;
  auto wanted = [&](const std::string& key) {
    if (only < 0) return true;
    const auto& mine = holders[static_cast<std::size_t>(only)].numbers;
    return std::any_of(mine.begin(), mine.end(), [&](const auto& n) { return n.first == key; });
  };
  for (std::uint32_t i = 0; i < holders.size(); ++i)
    for (const auto& [key, ext] : holders[i].numbers)
      if (wanted(key)) entries.emplace_back(key, ext, i);
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());

  std::vector<NumberMatch> out;
  auto consider = [&](std::string label, std::vector<std::uint32_t> members) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    if (members.size() < 2) return;
    if (only >= 0 && !std::binary_search(members.begin(), members.end(),
                                         static_cast<std::uint32_t>(only)))
      return;
    if (static_cast<std::int64_t>(members.size()) > o.shared_cap) {
      shared.push_back(shared_number(std::move(label), holders, std::move(members), o.shared_cap,
                                     "shared_cap"));
      return;
    }
    if (distinct_customers(holders, members) > o.max_customers_per_number) {
      shared.push_back(shared_number(std::move(label), holders, std::move(members), o.shared_cap,
                                     "customers"));
      return;
    }
    std::sort(members.begin(), members.end(),
              [&](std::uint32_t a, std::uint32_t b) { return older(holders[a], holders[b]); });
    out.push_back(NumberMatch{std::move(label), std::move(members)});
  };
  auto members_of = [&](std::size_t from, std::size_t to) {
    std::vector<std::uint32_t> m;
    m.reserve(to - from);
    for (std::size_t k = from; k < to; ++k) m.push_back(std::get<2>(entries[k]));
    return m;
  };
  for (std::size_t i = 0; i < entries.size();) {
    const std::string& key = std::get<0>(entries[i]);
    std::size_t j = i;
    while (j < entries.size() && std::get<0>(entries[j]) == key) ++j;
    if (j - i < 2 && only < 0) {  // a number nobody else holds: the common case
      i = j;
      continue;
    }
    if (contains(facts.company_keys, key)) {
      auto all = members_of(i, j);
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      if (all.size() >= 2 || only >= 0)
        shared.push_back(shared_number(key, holders, std::move(all), o.shared_cap, "company_number"));
      i = j;
      continue;
    }
    // Extension runs: the bare number sorts first ("").
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t k = i; k < j;) {
      std::size_t e = k;
      while (e < j && std::get<1>(entries[e]) == std::get<1>(entries[k])) ++e;
      runs.emplace_back(k, e);
      k = e;
    }
    const bool has_bare = std::get<1>(entries[i]).empty();
    if (o.match_without_extension && has_bare && runs.size() == 2) {
      // One extension and the bare number: the same line, written with and without it.
      consider(key, members_of(i, j));
    } else {
      for (const auto& [from, to] : runs)
        consider(identity(key, std::get<1>(entries[from])), members_of(from, to));
    }
    i = j;
  }
  return out;
}

}  // namespace switchboard::merge_detail
