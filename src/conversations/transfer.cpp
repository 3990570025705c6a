// Lead <-> ticket transfers: one transaction that creates the target, copies the selected
// Communications with their attachments, leaves a note, and deletes the source when asked.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "conversations/copy.h"
#include "core/datetime.h"
#include "core/text.h"
#include "email/domains.h"
#include "model/directory.h"
#include "switchboard/conversations.h"
#include "switchboard/email.h"
#include "switchboard/phone.h"

namespace switchboard {
namespace {

using conversations::CopyTarget;
using model::kLead;
using model::kTicket;

constexpr const char* kCommunication = "Communication";
constexpr std::size_t kSubjectChars = 140;  // HD Ticket.subject is a Data field

// Who the customer is, as read from the source record.
struct Customer {
  std::string full_name;
  std::string email;    // normalized, outside the internal domains ("" when unknown)
  std::string phone;    // as written on the source
  std::string contact;  // a Contact the source already links to ("" when none)
};

// The site facts a transfer decides by: the options' overrides, else the store's site.
struct TransferSite {
  std::shared_ptr<const SiteConfig> site;
  std::vector<std::string> internal_domains;
  std::string region;  // "" = key numbers on the site (its region and fallback regions)

  TransferSite(Store& store, const TransferOptions& opt)
      : site(store.site()),
        internal_domains(opt.internal_domains ? *opt.internal_domains
                                              : site->all_internal_domains()),
        region(opt.region) {}

  std::string key_of(const std::string& phone) const {
    if (phone.empty()) return {};
    auto key = region.empty() ? phone_key(phone, *site) : phone_key(phone, region);
    return key.value_or(std::string());
  }
};

// The Contact of the customer: found by email or phone key (or the one linked), completed,
// or created.
std::string contact_of(model::Directory& dir, const Customer& c, const TransferSite& site) {
  model::NewContact contact;
  contact.full_name = c.full_name;
  contact.email = c.email;
  contact.phone = c.phone;
  return dir.ensure_contact(contact, site.key_of(c.phone), c.contact);
}

// The address of the first mailbox of an address list, normalized ("" when none).
std::string first_address(const std::string& list) {
  for (const auto& box : parse_address_list(list))
    if (auto a = parse_email_address(box.address, ""); !a.empty()) return a.address;
  return {};
}

// The source's Communications to copy, complete, oldest first.
std::vector<Document> selected_communications(Store& store, std::string_view doctype,
                                              std::string_view name, const TransferOptions& opt) {
  if (!opt.communication_ids) {
    return store.find(kCommunication, Query{Filter("reference_doctype", Value(doctype)),
                                            Filter("reference_name", Value(name)),
                                            Filter("communication_medium", "Email")}
                                          .order("creation, name"));
  }
  std::vector<Value> ids(opt.communication_ids->begin(), opt.communication_ids->end());
  std::vector<Document> out = ids.empty()
                                  ? std::vector<Document>{}
                                  : store.find(kCommunication, Query{Filter("name", Op::kIn, ids)});
  std::set<std::string> found;
  for (const auto& doc : out) {
    found.insert(doc.name());
    if (doc.text("reference_doctype") != doctype || doc.text("reference_name") != name)
      throw ValidationError("Communication '" + doc.name() + "' is not filed on " +
                            std::string(doctype) + " '" + std::string(name) + "'");
  }
  for (const auto& id : *opt.communication_ids)
    if (!found.count(id)) throw NotFound("Communication '" + id + "' not found");
  std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) {
    int c = dates::compare_frappe(a.text("creation"), b.text("creation"));
    return c != 0 ? c < 0 : a.name() < b.name();
  });
  return out;
}

// Every address the customer may have used, in the order the original scripts look at them.
std::vector<std::string> email_candidates(std::vector<std::string> first,
                                          const std::vector<Document>& comms) {
  for (const auto& c : comms) {
    first.push_back(c.text("sender"));
    first.push_back(c.text("recipients"));
  }
  return first;
}

// The display name the customer's own mails carry (newest first), for sources without one.
std::string sender_name_of(const std::vector<Document>& comms, const std::string& email) {
  for (auto it = comms.rbegin(); it != comms.rend(); ++it) {
    if (!email.empty() && first_address(it->text("sender")) == email &&
        it->has("sender_full_name"))
      return text::collapse_spaces(it->text("sender_full_name"));
  }
  return {};
}

std::string count_text(std::int64_t n) { return fmt::format("{} email{}", n, n == 1 ? "" : "s"); }

void add_comment(Store& store, const std::string& doctype, const std::string& name,
                 const std::string& content) {
  store.insert("Comment", {{"comment_type", "Comment"},
                           {"reference_doctype", doctype},
                           {"reference_name", name},
                           {"subject", "Transfer"},
                           {"content", content}});
}

// What Frappe's delete_doc(force=True) does to the source, plus the copied originals: they and
// their Files go (the copies now own their Message-IDs, and the copies' File rows keep the
// same file_url and content_hash, so the bytes stay); replies pointing at them are pointed at
// the copies; the source's other Communications are unlinked, not deleted.
void delete_source(Store& store, const std::string& doctype, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& copies) {
  if (!copies.empty()) {
    std::vector<Value> originals;
    for (const auto& [from, to] : copies) originals.emplace_back(from);
    store.remove_where("File", {Filter("attached_to_doctype", kCommunication),
                                Filter("attached_to_name", Op::kIn, originals)});
    store.remove_where(kCommunication, {Filter("name", Op::kIn, originals)});
    std::map<std::string, std::string> copy_of(copies.begin(), copies.end());
    for (const auto& reply : store.find(
             kCommunication,
             Query{Filter("in_reply_to", Op::kIn, originals)}.select({"name", "in_reply_to"}))) {
      store.update(kCommunication, reply.name(),
                   {{"in_reply_to", copy_of.at(reply.text("in_reply_to"))}}, false);
    }
  }
  store.update_where(
      kCommunication,
      {Filter("reference_doctype", Value(doctype)), Filter("reference_name", Value(name))},
      {{"reference_doctype", Value()}, {"reference_name", Value()}}, false);
  store.remove_where("Communication Link",
                     {Filter("link_doctype", Value(doctype)), Filter("link_name", Value(name))});
  store.remove_where("Comment", {Filter("reference_doctype", Value(doctype)),
                                 Filter("reference_name", Value(name))});
  store.remove_where("File", {Filter("attached_to_doctype", Value(doctype)),
                              Filter("attached_to_name", Value(name))});
  store.remove(doctype, name);
}

// Follow-ups of a ticket that is transferred and deleted: they continue what it continued
// (its own ticket_split_from, else nothing), and a Comment on each names the new lead.
void release_follow_ups(Store& store, const Document& ticket, const std::string& lead) {
  if (!model::Directory(store).has_field(kTicket, model::kFollowUpField)) return;
  const std::string before = ticket.text(model::kFollowUpField);
  for (const auto& f : store.find(kTicket, Query{Filter(model::kFollowUpField, Value(ticket.name()))}
                                               .select({"name"}))) {
    store.update(kTicket, f.name(),
                 {{model::kFollowUpField, before.empty() ? Value() : Value(before)}}, false);
    add_comment(store, kTicket, f.name(),
                fmt::format("Ticket {} that this ticket continued was transferred to {} {}.",
                            ticket.name(), kLead, lead));
  }
}

// The part both directions share, once the target record exists.
TransferResult finish(Store& store, const std::string& source_doctype, const std::string& source,
                      const std::string& source_label, const std::vector<Document>& comms,
                      const std::string& target_doctype, const std::string& target,
                      const std::string& contact, const Customer& customer,
                      const TransferOptions& opt) {
  CopyTarget where = conversations::target_of(store, target_doctype, target);
  where.source_doctype = source_doctype;
  where.source_name = source;
  TransferResult r;
  r.copies = conversations::copy_all(store, comms, where);
  r.transferred_count = static_cast<std::int64_t>(r.copies.size());
  r.success = true;
  r.doctype = target_doctype;
  r.name = target;
  r.contact = contact;
  r.customer_email = customer.email;
  r.source_deleted = opt.delete_source;

  std::string who = customer.full_name;
  if (!customer.email.empty()) who += (who.empty() ? "" : ", ") + customer.email;
  r.note = fmt::format("Transferred from {} {}{}{}: {} copied. The {} was {}.", source_doctype,
                       source, source_label.empty() ? "" : " \"" + source_label + "\"",
                       who.empty() ? "" : " for " + who, count_text(r.transferred_count),
                       source_doctype, opt.delete_source ? "deleted" : "kept");
  add_comment(store, target_doctype, target, r.note);
  if (opt.delete_source) {
    delete_source(store, source_doctype, source, r.copies);
  } else {
    add_comment(store, source_doctype, source,
                fmt::format("Transferred to {} {}: {} copied.", target_doctype, target,
                            count_text(r.transferred_count)));
  }
  return r;
}

}  // namespace

TransferResult transfer_lead_to_ticket(Store& store, std::string_view lead_name,
                                       const TransferOptions& opt) {
  const TransferSite site(store, opt);
  model::Directory dir(store, site.site);
  Transaction tx(store);
  const Document lead = conversations::require(store, kLead, lead_name);
  const std::string source(lead_name);
  std::vector<Document> comms = selected_communications(store, kLead, source, opt);

  Customer customer;
  customer.full_name = model::join_name(lead.text("first_name"), lead.text("last_name"));
  if (customer.full_name.empty())
    customer.full_name = text::collapse_spaces(lead.text("lead_name"));
  customer.email =
      extract_customer_email(email_candidates({lead.text("email")}, comms), site.internal_domains);
  if (customer.full_name.empty()) customer.full_name = sender_name_of(comms, customer.email);
  customer.phone = lead.has("mobile_no") ? lead.text("mobile_no") : lead.text("phone");
  std::string contact = contact_of(dir, customer, site);

  std::string subject =
      comms.empty() ? std::string() : text::collapse_spaces(comms.back().text("subject"));
  if (subject.empty()) subject = "Transferred from CRM Lead " + source;
  model::NewTicket ticket;
  ticket.subject = text::truncate_chars(subject, kSubjectChars);
  ticket.raised_by = customer.email;
  ticket.contact = contact;
  ticket.phone = customer.phone;
  if (!comms.empty()) ticket.email_account = comms.back().text("email_account");
  ticket.reply_alias = lead.text(model::kReplyAliasField);  // replies to it still land here
  std::string name = dir.create_ticket(ticket);

  TransferResult r = finish(store, kLead, source, "", comms, kTicket, name, contact, customer, opt);
  tx.commit();
  return r;
}

TransferResult transfer_ticket_to_lead(Store& store, std::string_view ticket_name,
                                       const TransferOptions& opt) {
  const TransferSite site(store, opt);
  model::Directory dir(store, site.site);
  Transaction tx(store);
  const Document ticket = conversations::require(store, kTicket, ticket_name);
  const std::string source(ticket_name);
  std::vector<Document> comms = selected_communications(store, kTicket, source, opt);

  Customer customer;
  customer.contact = ticket.text("contact");
  std::optional<Document> contact_doc;
  if (!customer.contact.empty()) contact_doc = store.get("Contact", customer.contact);
  std::vector<std::string> first_emails{ticket.text("raised_by")};
  if (contact_doc) {
    customer.full_name = model::join_name(contact_doc->text("first_name"), contact_doc->text("last_name"));
    if (customer.full_name.empty())
      customer.full_name = text::collapse_spaces(contact_doc->text("full_name"));
    first_emails.push_back(contact_doc->text("email_id"));
  }
  customer.email =
      extract_customer_email(email_candidates(first_emails, comms), site.internal_domains);
  if (customer.full_name.empty()) customer.full_name = sender_name_of(comms, customer.email);
  for (const char* f : {"contact_number", "contact_mobile"})
    if (customer.phone.empty()) customer.phone = ticket.text(f);
  if (customer.phone.empty() && contact_doc)
    customer.phone =
        contact_doc->has("mobile_no") ? contact_doc->text("mobile_no") : contact_doc->text("phone");
  std::string contact = contact_of(dir, customer, site);

  model::NewLead lead;
  std::tie(lead.first_name, lead.last_name) = split_name(customer.full_name);
  if (lead.first_name.empty()) lead.first_name = parse_email_address(customer.email, "").local;
  if (lead.first_name.empty()) lead.first_name = "Unknown";
  lead.email = customer.email;
  lead.mobile_no = customer.phone;
  lead.status = "New";
  lead.source = "Support Transfer";
  lead.reply_alias = ticket.text(model::kReplyAliasField);
  std::string name = dir.create_lead(lead);

  TransferResult r = finish(store, kTicket, source, text::collapse_spaces(ticket.text("subject")),
                            comms, kLead, name, contact, customer, opt);
  if (opt.delete_source) release_follow_ups(store, ticket, name);
  tx.commit();
  return r;
}

}  // namespace switchboard
