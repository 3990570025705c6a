// Records for the conversation tests: a lead or ticket with a thread of emails, attachments
// and timeline links, on any store.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"

namespace conv_fixtures {

using namespace switchboard;

/// 2026-01-01 00:00:00 local; tests freeze every store clock here so copies and originals
/// share one instant unless the library makes them differ.
inline std::chrono::system_clock::time_point frozen() {
  return std::chrono::system_clock::from_time_t(1767225600);
}
inline void freeze(Store& s) {
  s.set_clock([] { return frozen(); });
}

struct Thread {
  std::string record;
  std::vector<std::string> comms;  // oldest first
};

/// `n` emails on `doctype`/`record`: odd ones received from the customer, even ones sent by
/// staff, each replying to the previous; every `attach_every`-th has two File attachments
/// (0 = none). All share the frozen creation instant, so only names order them; creation is
/// given explicitly (one microsecond apart) to keep the thread order deterministic.
inline std::vector<std::string> add_thread(Store& s, const std::string& doctype,
                                           const std::string& record, int n, int attach_every,
                                           const std::string& customer = "jane@example.com") {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    bool received = i % 2 == 0;
    char created[40];
    std::snprintf(created, sizeof created, "2025-12-01 10:00:00.%06d", i);
    Document c{
        {"subject", i == 0 ? std::string("Order status") : "Re: Order status " + std::to_string(i)},
        {"content", "<p>mail " + std::to_string(i) + "</p>"},
        {"text_content", "mail " + std::to_string(i)},
        {"sender",
         received ? "Jane Doe <" + customer + ">" : std::string("Sales <sales@zipcushions.com>")},
        {"sender_full_name", received ? "Jane Doe" : "Sales"},
        {"recipients", received ? std::string("sales@zipcushions.com") : customer},
        {"cc", "boss@zipcushions.com"},
        {"bcc", "archive@zipcushions.com"},
        {"message_id", "msg-" + std::to_string(i) + "@mail.example.com"},
        {"email_account", "Sales"},
        {"communication_type", "Communication"},
        {"communication_medium", "Email"},
        {"sent_or_received", received ? "Received" : "Sent"},
        {"communication_date", created},
        {"creation", created},
        {"reference_doctype", doctype},
        {"reference_name", record},
        {"status", "Open"},
        {"has_attachment", attach_every && i % attach_every == 0 ? 1 : 0},
        {"custom_channel", "web"}};
    if (!names.empty()) c.set("in_reply_to", Value(names.back()));
    std::string name = s.insert("Communication", c);
    names.push_back(name);
    if (attach_every && i % attach_every == 0) {
      for (int f = 0; f < 2; ++f) {
        std::string file = "scan-" + std::to_string(i) + "-" + std::to_string(f) + ".pdf";
        s.insert("File", {{"file_name", file},
                          {"file_url", "/private/files/" + file},
                          {"is_private", 1},
                          {"file_size", 1000 + i},
                          {"content_hash", "hash-" + file},
                          {"attached_to_doctype", "Communication"},
                          {"attached_to_name", name}});
      }
    }
  }
  return names;
}

/// A CRM Lead (Jane Doe) with `n` emails.
inline Thread lead_with_thread(Store& s, int n, int attach_every = 2) {
  Thread t;
  t.record = s.insert("CRM Lead", {{"first_name", "Jane"},
                                   {"last_name", "Doe"},
                                   {"email", "Jane@Example.com"},
                                   {"mobile_no", "(555) 123-4567"}});
  t.comms = add_thread(s, "CRM Lead", t.record, n, attach_every);
  return t;
}

/// An HD Ticket raised by Jane Doe (with a Contact) with `n` emails.
inline Thread ticket_with_thread(Store& s, int n, int attach_every = 2) {
  Thread t;
  std::string contact =
      s.insert("Contact",
               {{"first_name", "Jane"},
                {"last_name", "Doe"},
                {"full_name", "Jane Doe"},
                {"email_id", "jane@example.com"}},
               {{"email_ids", {Document{{"email_id", "jane@example.com"}, {"is_primary", 1}}}}});
  t.record = s.insert("HD Ticket", {{"subject", "Cushion covers faded"},
                                    {"raised_by", "jane@example.com"},
                                    {"contact", contact},
                                    {"contact_number", "+1 555 123 4567"}});
  t.comms = add_thread(s, "HD Ticket", t.record, n, attach_every);
  return t;
}

}  // namespace conv_fixtures
