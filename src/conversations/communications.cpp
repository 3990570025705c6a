// Communications of a record, and copies of them that keep everything: fields, custom fields,
// message ids, timeline links and File attachments.
#include <map>

#include "conversations/copy.h"
#include "core/datetime.h"
#include "switchboard/conversations.h"

namespace switchboard {
namespace conversations {
namespace {

constexpr const char* kCommunication = "Communication";

// A child row ready to be inserted under another parent (the facade re-stamps parent fields).
Document detached_row(Document row) {
  for (const char* f : {"name", "parent", "parenttype", "parentfield", "creation", "modified"})
    row.erase(f);
  return row;
}

// The copy's creation: now, unless that is not later than `floor` (the original or the
// previous copy), in which case one microsecond after it.
std::string creation_after(Store& store, const std::string& floor) {
  std::string now = store.now();
  if (floor.empty() || dates::compare_frappe(now, floor) > 0) return now;
  return dates::datetime_after(floor).value_or(now);
}

}  // namespace

Document require(Store& store, std::string_view doctype, std::string_view name) {
  auto doc = store.get(doctype, name);
  if (!doc) throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
  return std::move(*doc);
}

CopyTarget target_of(Store& store, std::string_view doctype, std::string_view name) {
  auto row = store.find_one(std::string(doctype),
                            Query{Filter("name", Value(name))}.select({"name", "owner"}));
  if (!row) throw NotFound(std::string(doctype) + " '" + std::string(name) + "' not found");
  CopyTarget t;
  t.doctype = std::string(doctype);
  t.name = std::string(name);
  t.owner = row->text("owner");
  return t;
}

std::vector<std::pair<std::string, std::string>> copy_all(Store& store,
                                                          const std::vector<Document>& originals,
                                                          const CopyTarget& target) {
  // Links and attachments of every original in two reads, not two per original.
  std::vector<Value> names;
  for (const Document& original : originals) names.emplace_back(original.name());
  std::map<std::string, std::vector<Document>> links_of, files_of;
  if (!names.empty()) {
    Query links{Filter("parent", Op::kIn, names), Filter("parenttype", kCommunication),
                Filter("parentfield", "timeline_links")};
    for (Document& link : store.find("Communication Link", links.order("parent, idx, name")))
      links_of[link.text("parent")].push_back(std::move(link));
    Query files{Filter("attached_to_doctype", kCommunication),
                Filter("attached_to_name", Op::kIn, names)};
    for (Document& file : store.find("File", files.order("creation, name")))
      files_of[file.text("attached_to_name")].push_back(std::move(file));
  }

  std::vector<std::pair<std::string, std::string>> pairs;
  std::map<std::string, std::string> copy_of;
  std::string previous;
  for (const Document& original : originals) {
    const std::string from = original.name();
    Document doc = original;
    doc.erase("name");
    std::string floor = original.text("creation");
    if (!previous.empty() && dates::compare_frappe(previous, floor) > 0) floor = previous;
    std::string created = creation_after(store, floor);
    doc.set("creation", Value(created));
    doc.set("modified", Value(created));
    doc.set("reference_doctype", Value(target.doctype));
    doc.set("reference_name", Value(target.name));
    doc.set("reference_owner", or_null(target.owner));
    doc.set("status", Value("Linked"));
    auto parent = copy_of.find(original.text("in_reply_to"));
    if (parent != copy_of.end()) doc.set("in_reply_to", Value(parent->second));

    std::vector<Document> links;
    for (Document& link : links_of[from]) {
      bool to_source = link.text("link_doctype") == target.source_doctype &&
                       link.text("link_name") == target.source_name;
      bool to_target =
          link.text("link_doctype") == target.doctype && link.text("link_name") == target.name;
      if (!to_source && !to_target) links.push_back(detached_row(std::move(link)));
    }
    std::string copy = links.empty()
                           ? store.insert(kCommunication, std::move(doc))
                           : store.insert(kCommunication, std::move(doc),
                                          ChildRows{{"timeline_links", std::move(links)}});

    for (Document& file : files_of[from]) {
      file.erase("name");
      file.set("creation", Value(created));
      file.set("modified", Value(created));
      file.set("attached_to_name", Value(copy));
      store.insert("File", std::move(file));
    }
    copy_of[from] = copy;
    pairs.emplace_back(from, copy);
    previous = created;
  }
  return pairs;
}

}  // namespace conversations

std::vector<Document> list_communications(Store& store, std::string_view doctype,
                                          std::string_view name) {
  Query q{Filter("reference_doctype", Value(doctype)), Filter("reference_name", Value(name)),
          Filter("communication_medium", "Email")};
  q.select({"name", "subject", "sender", "sender_full_name", "recipients", "creation", "content",
            "text_content", "message_id", "in_reply_to", "sent_or_received", "communication_date",
            "has_attachment"})
      .order("creation, name");
  return store.find("Communication", q);
}

std::string copy_communication(Store& store, std::string_view communication,
                               std::string_view target_doctype, std::string_view target_name) {
  Transaction tx(store);
  Document original = conversations::require(store, "Communication", communication);
  conversations::CopyTarget target = conversations::target_of(store, target_doctype, target_name);
  target.source_doctype = original.text("reference_doctype");
  target.source_name = original.text("reference_name");
  auto pairs = conversations::copy_all(store, {original}, target);
  tx.commit();
  return pairs.front().second;
}

}  // namespace switchboard
