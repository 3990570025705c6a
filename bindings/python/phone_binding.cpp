// Python bindings for phones, match keys and duplicate merging.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/typing.h>

#include "casters.h"
#include "errors.h"
#include "switchboard/merge.h"
#include "switchboard/phone.h"

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

namespace switchboard::python {
namespace {

// The UTF-8 of a Python str, without a copy (valid while the str lives).
std::string_view utf8_view(py::handle s) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (!data) throw py::error_already_set();
  return {data, static_cast<std::size_t>(size)};
}

using OptionalStr = py::typing::Optional<py::str>;

OptionalStr key_or_none(const std::optional<std::string>& key) {
  if (!key) return py::reinterpret_borrow<OptionalStr>(py::none());
  return py::reinterpret_steal<OptionalStr>(py::str(key->data(), key->size()).release());
}

// The keys of a list of numbers: str items keyed, None items None. The keys are computed with
// the GIL released, in chunks between which Ctrl-C is honoured.
template <typename KeyOf>
py::typing::List<OptionalStr> keys_of(const py::sequence& numbers, const KeyOf& key_of) {
  const std::size_t n = numbers.size();
  std::vector<py::object> held;  // keeps every str (and its UTF-8) alive while the GIL is free
  std::vector<std::string_view> raw(n);
  std::vector<bool> present(n, false);
  held.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    py::object item = numbers[i];
    if (item.is_none()) continue;
    if (!PyUnicode_Check(item.ptr()))
      throw py::type_error("phone_keys: item " + std::to_string(i) + " is " +
                           std::string(py::str(py::type::of(item).attr("__name__"))) +
                           ", not str or None");
    raw[i] = utf8_view(item);
    present[i] = true;
    held.push_back(std::move(item));
  }
  std::vector<std::optional<std::string>> keys(n);
  constexpr std::size_t kChunk = 8192;
  for (std::size_t start = 0; start < n; start += kChunk) {
    const std::size_t end = std::min(n, start + kChunk);
    {
      py::gil_scoped_release release;
      for (std::size_t i = start; i < end; ++i)
        if (present[i]) keys[i] = key_of(raw[i]);
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
  py::typing::List<OptionalStr> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = key_or_none(keys[i]);
  return out;
}

py::dict relink_dict(const RelinkRule& r) {
  py::dict d;
  d["doctype"] = r.doctype;
  d["name_field"] = r.name_field;
  d["doctype_field"] = r.doctype_field;
  d["dedupe"] = r.dedupe;
  return d;
}

RelinkRule relink_rule(py::handle h) {
  RelinkRule r;
  if (py::isinstance<py::dict>(h)) {
    auto d = py::reinterpret_borrow<py::dict>(h);
    r.doctype = d["doctype"].cast<std::string>();
    r.name_field = d["name_field"].cast<std::string>();
    if (d.contains("doctype_field")) r.doctype_field = d["doctype_field"].cast<std::string>();
    if (d.contains("dedupe")) r.dedupe = d["dedupe"].cast<bool>();
    return r;
  }
  auto t = h.cast<py::sequence>();
  if (t.size() < 2 || t.size() > 4)
    throw ValidationError("a relink rule is {doctype, name_field[, doctype_field, dedupe]}",
                          ErrorCode::kInvalidArgument);
  r.doctype = t[0].cast<std::string>();
  r.name_field = t[1].cast<std::string>();
  if (t.size() > 2) r.doctype_field = t[2].cast<std::string>();
  if (t.size() > 3) r.dedupe = t[3].cast<bool>();
  return r;
}

py::dict step_dict(const MergeStep& s) {
  py::dict d;
  d["source"] = s.source;
  d["keys"] = s.keys;
  d["moved"] = s.moved;
  d["removed"] = s.removed;
  d["filled"] = from_document(s.filled);
  return d;
}

py::dict shared_dict(const SharedNumber& s) {
  py::dict d;
  d["key"] = s.key;
  d["count"] = s.count;
  d["names"] = s.names;
  d["reason"] = s.reason;
  return d;
}

py::dict report_dict(const MergeReport& r) {
  py::dict d;
  d["doctype"] = r.doctype;
  d["target"] = r.target;
  py::list steps, shared;
  for (const auto& s : r.steps) steps.append(step_dict(s));
  for (const auto& s : r.shared) shared.append(shared_dict(s));
  d["steps"] = steps;
  d["shared"] = shared;
  d["skipped"] = r.skipped;
  d["survivor_reason"] = r.survivor_reason;
  d["keys_refreshed"] = r.keys_refreshed;
  d["dry_run"] = r.dry_run;
  return d;
}

// Runs `fn(progress)` without the GIL; the Python callable (if any) is called with it.
template <typename Fn>
auto with_progress(const py::object& callback, Fn&& fn) {
  MergeProgress progress;
  if (!callback.is_none()) {
    progress = [&callback](std::int64_t done, std::int64_t total) {
      py::gil_scoped_acquire gil;
      callback(done, total);
    };
  }
  py::gil_scoped_release release;
  return fn(progress);
}

}  // namespace

void init_phone(py::module_& m) {
  m.def(
      "resolve_survivor",
      [](Store& store, const std::string& doctype, const Name& name) {
        return resolve_survivor(store, doctype, name.value);
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("name"),
      py::call_guard<py::gil_scoped_release>(),
        "The record `name` ended up in after merges (follows merge pointers; cycle-safe).");
  m.def(
      "merge_pointer_field",
      [](const std::string& doctype) { return std::string(merge_pointer_field(doctype)); },
      py::arg("doctype"), "The field holding a doctype's merge pointer, or ''.");

  // ---- phones ---------------------------------------------------------------------------
  py::class_<Phone>(m, "Phone", "A parsed phone number (see normalize_phone).")
      .def_readonly("e164", &Phone::e164, "E.164 of the number, extension dropped.")
      .def_readonly("extension", &Phone::extension, "'89' for '... x 89'; '' when none.")
      .def_readonly("possible", &Phone::possible, "Possible with its area code.")
      .def_readonly("valid", &Phone::valid, "Valid under libphonenumber's metadata.")
      .def_readonly("region", &Phone::region, "Region of the number, e.g. 'US'.")
      .def_property_readonly("key", [](const Phone& p) -> std::optional<std::string> {
        std::string key = p.key();
        if (key.empty()) return std::nullopt;
        return key;
      }, "The match key (e164 of a possible number) or None.")
      .def("__eq__", [](const Phone& a, const Phone& b) {
        return a.e164 == b.e164 && a.extension == b.extension && a.possible == b.possible &&
               a.valid == b.valid && a.region == b.region;
      })
      .def("__repr__", [](const Phone& p) {
        return "Phone(e164='" + p.e164 + "', extension='" + p.extension + "', possible=" +
               (p.possible ? "True" : "False") + ", valid=" + (p.valid ? "True" : "False") +
               ", region='" + p.region + "')";
      });

  // Every function reads national numbers in `region` ("US" when omitted; "" is an error), or
  // as a store's site keys them (`site`: its region and fallback regions).
  m.def("normalize_phone",
        [](const std::string& raw, const std::string& region) { return normalize_phone(raw, region); },
        py::arg("raw"), py::arg("region") = "US",
        "Parses a phone number as libphonenumber does; None when `raw` is not a number. "
        "`region` reads numbers without a country code.");
  m.def("normalize_phone",
        [](const std::string& raw, const SiteConfig& site) { return normalize_phone(raw, site); },
        py::arg("raw"), py::arg("site"),
        "The number as a store with this site reads it: its key() is phone_key(raw, site), "
        "its extension is the one stored beside the key. None when no reading parses.");
  py::native_enum<ExtensionMatch>(m, "ExtensionMatch", "enum.Enum",
                                  "How extensions count when numbers are matched.")
      .value("IGNORE_MISSING", ExtensionMatch::kIgnoreMissing)
      .value("STRICT", ExtensionMatch::kStrict)
      .finalize();
  // phone_key is called per row from Python: the str is read in place (no copy) and the GIL
  // kept (a key costs less than releasing it; libphonenumber never blocks).
  m.def("phone_key",
        [](const py::str& raw, const py::str& region) {
          return key_or_none(phone_key(utf8_view(raw), utf8_view(region)));
        },
        py::arg("raw"), py::arg("region") = "US",
        "The match key: E.164 of a possible number without its extension, or None.");
  m.def("phone_key",
        [](const py::str& raw, const SiteConfig& site) {
          return key_or_none(phone_key(utf8_view(raw), site));
        },
        py::arg("raw"), py::arg("site"),
        "The match key as a store with this site stores it (its region, fallback regions and "
        "international prefixes written instead of '+').");
  m.def("phone_keys",
        [](const py::sequence& numbers, const py::str& region) {
          const std::string r(utf8_view(region));
          phone_key("0", r);  // an unknown region raises before any work
          return keys_of(numbers, [&r](std::string_view raw) { return phone_key(raw, r); });
        },
        py::arg("numbers"), py::arg("region") = "US",
        "phone_key of every item (str, or None for None), as a list; the GIL is released "
        "while the keys are computed.");
  m.def("phone_keys",
        [](const py::sequence& numbers, const SiteConfig& site) {
          phone_key("0", site);
          return keys_of(numbers, [&site](std::string_view raw) { return phone_key(raw, site); });
        },
        py::arg("numbers"), py::arg("site"),
        "phone_key(raw, site) of every item (str, or None for None), as a list.");
  m.def("same_line",
        [](const std::string& key_a, const std::string& ext_a, const std::string& key_b,
           const std::string& ext_b, ExtensionMatch extensions) {
          return same_line(key_a, ext_a, key_b, ext_b, extensions);
        },
        py::arg("key_a"), py::arg("ext_a"), py::arg("key_b"), py::arg("ext_b"),
        py::arg("extensions") = ExtensionMatch::kIgnoreMissing,
        "Whether two stored keys and extensions name the same line.");
  m.def("digits_only", &digits_only, py::arg("raw"),
        "The original scripts' normalization: the ASCII digits of `raw`.");

  py::native_enum<PhoneMatch>(m, "PhoneMatch", "enum.Enum",
                              "How closely two numbers match; only EXACT may merge.")
      .value("NONE", PhoneMatch::kNone)
      .value("SHORT_NSN", PhoneMatch::kShortNsn)
      .value("NSN", PhoneMatch::kNsn)
      .value("EXACT", PhoneMatch::kExact)
      .finalize();
  m.def("phone_match",
        [](const std::string& a, const std::string& b, const std::string& region,
           ExtensionMatch extensions) { return phone_match(a, b, region, extensions); },
        py::arg("a"), py::arg("b"), py::arg("region") = "US",
        py::arg("extensions") = ExtensionMatch::kIgnoreMissing,
        "EXACT when both have the same key in `region` and their extensions match (by default "
        "a missing extension matches any), else libphonenumber's verdict (NSN, SHORT_NSN, "
        "NONE); garbage matches nothing.");
  auto links = [](const ClickToCall& c) {
    py::dict d;
    d["e164"] = c.e164;
    d["extension"] = c.extension;
    d["desktop"] = c.desktop;
    d["web"] = c.web;
    d["tel"] = c.tel;
    return d;
  };
  m.def("click_to_call",
        [links](const std::string& raw, const std::string& region) {
          return links(click_to_call(raw, region));
        },
        py::arg("raw"), py::arg("region") = "US",
        "RingCentral desktop and web links and a tel: URI; ValidationError when not dialable.");
  m.def("click_to_call",
        [links](const std::string& raw, const SiteConfig& site) {
          return links(click_to_call(raw, site));
        },
        py::arg("raw"), py::arg("site"),
        "The links for `raw` read as a store with this site keys numbers.");

  m.attr("PHONE_KEY_VERSION") = kPhoneKeyVersion;
  m.attr("PHONE_KEY_VERSION_FIELD") = kPhoneKeyVersionField;
  m.attr("MERGE_LOG_DOCTYPE") = kMergeLogDoctype;
  m.def("phone_key_fields",
        [](const std::string& doctype) {
          py::list out;
          for (const auto& f : phone_key_fields(doctype)) {
            py::dict d;
            d["source"] = f.source;
            d["key"] = f.key;
            d["extension"] = f.extension;
            out.append(d);
          }
          return out;
        },
        py::arg("doctype"), "The keyed phone fields of a doctype and their key/extension fields.");
  m.def("keyed_doctypes", &keyed_doctypes, "Every doctype with stored phone keys.");
  m.def("default_relink_rules",
        [](const std::string& doctype) {
          py::list out;
          for (const auto& r : default_relink_rules(doctype)) out.append(relink_dict(r));
          return out;
        },
        py::arg("doctype"), "The rows re-pointed when a record of `doctype` is merged.");

  // ---- merging --------------------------------------------------------------------------
  py::class_<MergeStep>(m, "MergeStep", "One record merged into the target.")
      .def_readonly("source", &MergeStep::source)
      .def_readonly("keys", &MergeStep::keys, "Phone keys it shares with the target's group.")
      .def_readonly("moved", &MergeStep::moved, "Rows re-pointed, by 'Doctype.field'.")
      .def_readonly("removed", &MergeStep::removed, "Duplicate link rows deleted, by doctype.")
      .def_readonly("filled", &MergeStep::filled, "Blank target fields filled from it.")
      .def_property_readonly("rows_moved", &MergeStep::rows_moved)
      .def("to_dict", &step_dict)
      .def("__eq__", [](const MergeStep& a, const MergeStep& b) { return a == b; });
  py::class_<SharedNumber>(m, "SharedNumber", "A key too many records hold to merge on.")
      .def_readonly("key", &SharedNumber::key)
      .def_readonly("count", &SharedNumber::count)
      .def_readonly("names", &SharedNumber::names, "The oldest holders.")
      .def_readonly("reason", &SharedNumber::reason,
                    "'company_number', 'shared_cap', 'customers' or 'group_cap'.")
      .def("to_dict", &shared_dict)
      .def("__eq__", [](const SharedNumber& a, const SharedNumber& b) { return a == b; });
  py::class_<MergeReport>(m, "MergeReport", "What one merge did (or would do, in a dry run).")
      .def_readonly("doctype", &MergeReport::doctype)
      .def_readonly("target", &MergeReport::target)
      .def_readonly("steps", &MergeReport::steps, "One per record merged, oldest first.")
      .def_readonly("shared", &MergeReport::shared, "Keys skipped as shared numbers.")
      .def_readonly("skipped", &MergeReport::skipped, "Why nothing merged ('' otherwise).")
      .def_readonly("survivor_reason", &MergeReport::survivor_reason,
                    "Why target survives: 'oldest_open', 'oldest', 'named' or 'chosen'.")
      .def_readonly("keys_refreshed", &MergeReport::keys_refreshed)
      .def_readonly("dry_run", &MergeReport::dry_run)
      .def_property_readonly("sources", &MergeReport::sources)
      .def_property_readonly("rows_moved", &MergeReport::rows_moved)
      .def_property_readonly("merged", &MergeReport::merged)
      .def("to_dict", &report_dict, "The report as plain dicts and lists (JSON-ready).")
      .def("__eq__", [](const MergeReport& a, const MergeReport& b) { return a == b; })
      .def("__repr__", [](const MergeReport& r) {
        return "MergeReport(" + r.doctype + " " + r.target + ": " + std::to_string(r.steps.size()) +
               " merged, " + std::to_string(r.rows_moved()) + " rows moved" +
               (r.skipped.empty() ? "" : ", skipped: " + r.skipped) +
               (r.dry_run ? ", dry run)" : ")");
      });
  py::class_<BulkMergeReport>(m, "BulkMergeReport", "What bulk_merge did (or would do).")
      .def_readonly("doctype", &BulkMergeReport::doctype)
      .def_readonly("dry_run", &BulkMergeReport::dry_run)
      .def_readonly("scanned", &BulkMergeReport::scanned)
      .def_readonly("merges", &BulkMergeReport::merges, "One per group, oldest survivor first.")
      .def_readonly("shared", &BulkMergeReport::shared)
      .def_property_readonly("records_merged", &BulkMergeReport::records_merged)
      .def_property_readonly("rows_moved", &BulkMergeReport::rows_moved)
      .def("to_dict",
           [](const BulkMergeReport& r) {
             py::dict d;
             d["doctype"] = r.doctype;
             d["dry_run"] = r.dry_run;
             d["scanned"] = r.scanned;
             py::list merges, shared;
             for (const auto& x : r.merges) merges.append(report_dict(x));
             for (const auto& x : r.shared) shared.append(shared_dict(x));
             d["merges"] = merges;
             d["shared"] = shared;
             return d;
           })
      .def("__eq__", [](const BulkMergeReport& a, const BulkMergeReport& b) { return a == b; })
      .def("__repr__", [](const BulkMergeReport& r) {
        return "BulkMergeReport(" + r.doctype + ": " + std::to_string(r.merges.size()) +
               " groups, " + std::to_string(r.records_merged()) + " merged, " +
               std::to_string(r.shared.size()) + " shared" + (r.dry_run ? ", dry run)" : ")");
      });
  py::class_<RekeyReport>(m, "RekeyReport", "What rekey did.")
      .def_readonly("doctype", &RekeyReport::doctype)
      .def_readonly("scanned", &RekeyReport::scanned)
      .def_readonly("updated", &RekeyReport::updated);
  m.def(
      "rekey_phone_keys",
      [](const std::shared_ptr<Store>& store, const std::string& doctype, const py::object& progress) {
        return with_progress(progress,
                             [&](const MergeProgress& p) { return rekey_phone_keys(*store, doctype, p); });
      },
      py::arg("store").none(false), py::arg("doctype"), py::arg("progress") = py::none(),
      "Rewrites the stored phone keys of `doctype` that differ from a fresh computation on the "
      "store's site; `progress` is called with (done, total) after each page of rows.");
  m.def(
      "rekey_all_phone_keys",
      [](const std::shared_ptr<Store>& store, const py::object& progress) {
        return with_progress(progress,
                             [&](const MergeProgress& p) { return rekey_all_phone_keys(*store, p); });
      },
      py::arg("store").none(false), py::arg("progress") = py::none(),
      "Rewrites the stored phone keys that differ from a fresh computation on the store's site, "
      "in every keyed doctype of its schema, reading every row (rows written outside the library "
      "included); `progress` is called with (done, total) within each doctype. One RekeyReport a "
      "doctype.");
  m.attr("PHONE_KEYS_SIGNATURE_FIELD") = kPhoneKeysSignatureField;
  m.def("phone_keys_signature", &phone_keys_signature, py::arg("site"),
        "What every stored phone key depends on: the key version and how `site` reads numbers "
        "('v3 US', or 'v3 US GB,DE' with fallback regions).");
  m.def(
      "refresh_phone_keys",
      [](const std::shared_ptr<Store>& store, const py::object& progress) {
        return with_progress(progress,
                             [&](const MergeProgress& p) { return refresh_phone_keys(*store, p); });
      },
      py::arg("store").none(false), py::arg("progress") = py::none(),
      "Rekeys every keyed doctype and records the site's phone_keys_signature, in one "
      "transaction, when the settings record that the stored keys were computed otherwise "
      "(another key version, other regions, nothing recorded). Stores opened on their own "
      "database for writing do it on open. Returns the RekeyReports, empty when they were "
      "current.");

  py::class_<PhoneMerger>(m, "PhoneMerger", R"doc(
Finds and merges duplicate CRM Leads and HD Tickets by their stored phone keys.

Only equal keys merge (an extension matches the same one, or none when the number has no
other); never the company's numbers, numbers held by more than `shared_cap` records or by more
than `max_customers_per_number` customers. Closed tickets merge too (`include_closed`), but a
closed record never absorbs an open one: a group survives in its oldest open record, else its
oldest. A merged record is tombstoned (tickets: is_merged, merged_with, status Closed; leads:
custom_merged_into), never deleted; every merge is one transaction, writes an audit row and
changes nothing when run again. Raw numbers given to find_duplicates are keyed as the store's
site keys them, unless `region` is given; closed ticket statuses and company numbers are the
site's unless given. Thread-safe.)doc")
      .def(py::init([](std::shared_ptr<Store> store, const std::optional<std::string>& region,
                       std::int64_t shared_cap, std::int64_t max_customers_per_number,
                       bool match_without_extension, bool include_converted, bool include_closed,
                       std::optional<std::vector<std::string>> closed_statuses,
                       std::optional<std::vector<std::string>> company_numbers,
                       const std::string& merged_ticket_status, bool fill_blanks,
                       std::int64_t batch_size, const py::object& extra_relink_rules) {
             MergeOptions o;
             o.shared_cap = shared_cap;
             o.max_customers_per_number = max_customers_per_number;
             o.match_without_extension = match_without_extension;
             if (company_numbers) o.company_numbers = std::move(*company_numbers);
             o.include_converted = include_converted;
             o.include_closed = include_closed;
             if (closed_statuses) o.closed_statuses = std::move(*closed_statuses);
             o.merged_ticket_status = merged_ticket_status;
             o.fill_blanks = fill_blanks;
             o.batch_size = batch_size;
             if (!extra_relink_rules.is_none())
               for (py::handle h : extra_relink_rules)
                 o.extra_relink_rules.push_back(relink_rule(h));
             return PhoneMerger(std::move(store), region.value_or(std::string()), std::move(o));
           }),
           py::arg("store").none(false), py::arg("region") = py::none(), py::kw_only(),
           py::arg("shared_cap") = 20, py::arg("max_customers_per_number") = 1,
           py::arg("match_without_extension") = true, py::arg("include_converted") = false,
           py::arg("include_closed") = true, py::arg("closed_statuses") = py::none(),
           py::arg("company_numbers") = py::none(),
           py::arg("merged_ticket_status") = "Closed", py::arg("fill_blanks") = true,
           py::arg("batch_size") = 0, py::arg("extra_relink_rules") = py::none())
      .def(
          "on_phone_changed",
          [](PhoneMerger& m, const std::string& doctype, const Name& name, bool dry_run) {
            return m.on_phone_changed(doctype, name.value, dry_run);
          },
          py::arg("doctype"), py::arg("name"), py::arg("dry_run") = false, release_gil(),
           "The hook flow after mobile_no/phone (CRM Lead) or contact_mobile (HD Ticket) "
           "changed: the other records with an equal key are merged into this one.")
      .def(
          "merge_call_logs",
          [](PhoneMerger& m, const std::string& doctype, const Name& name, bool dry_run) {
            return m.merge_call_logs(doctype, name.value, dry_run);
          },
          py::arg("doctype"), py::arg("name"), py::arg("dry_run") = false, release_gil(),
           "The manual trigger of the same merge into `name`.")
      .def(
          "merge",
          [](PhoneMerger& m, const std::string& doctype, const Name& target,
             const std::vector<Name>& sources, bool dry_run) {
            std::vector<std::string> names;
            for (const auto& n : sources) names.push_back(n.value);
            return m.merge(doctype, target.value, names, dry_run);
          },
          py::arg("doctype"), py::arg("target"), py::arg("sources"), py::arg("dry_run") = false,
          release_gil(),
           "Merges the chosen records into `target` (never into itself).")
      .def("find_duplicates", &PhoneMerger::find_duplicates, py::arg("doctype"),
           py::arg("raw_phone"), release_gil(),
           "Unmerged in-scope records holding the key of `raw_phone`, oldest first.")
      .def(
          "bulk_merge",
          [](PhoneMerger& self, const std::string& doctype, bool dry_run,
             const py::object& progress) {
            return with_progress(progress, [&](const MergeProgress& p) {
              return self.bulk_merge(doctype, dry_run, p);
            });
          },
          py::arg("doctype"), py::arg("dry_run") = false, py::arg("progress") = py::none(),
          "Merges every group of records sharing a key into its oldest open record, else its "
          "oldest. `progress` is "
          "called with (done, total) after each batch.")
      .def(
          "rekey",
          [](PhoneMerger& self, const std::string& doctype, const py::object& progress) {
            return with_progress(progress,
                                 [&](const MergeProgress& p) { return self.rekey(doctype, p); });
          },
          py::arg("doctype"), py::arg("progress") = py::none(),
          "Rewrites the stored keys that differ from a fresh computation (older key version, "
          "another default region, rows written outside the library).")
      .def_property_readonly("region", &PhoneMerger::region)
      .def_property_readonly("shared_cap",
                             [](const PhoneMerger& p) { return p.options().shared_cap; });
}

}  // namespace switchboard::python
