// The Directory: the one answer to each question about a site's people and records.
#include <doctest/doctest.h>

#include "model/directory.h"
#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;
using model::Directory;

namespace {

std::string ticket(Store& s, const std::string& raised_by, const std::string& status,
                   const std::string& modified, const std::string& subject = "x") {
  return s.insert("HD Ticket", {{"subject", subject},
                                {"raised_by", raised_by},
                                {"status", status},
                                {"creation", modified},
                                {"modified", modified}});
}

Filters by_sender(const std::string& email) { return {Filter("raised_by", Value(email))}; }

}  // namespace

TEST_CASE_TEMPLATE("directory: contacts by email (rows, then the field, any case on request)", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  Directory dir(*s);
  CHECK(dir.contact_by_email({"ann@x.com"}).empty());
  std::string old = s->insert("Contact", {{"full_name", "Ann Old"}, {"creation", "2025-01-01 00:00:00"}},
                              {{"email_ids", {Document{{"email_id", "ann@x.com"}}}}});
  s->insert("Contact", {{"full_name", "Ann New"}},
            {{"email_ids", {Document{{"email_id", "ann@x.com"}}}}});
  CHECK(dir.contact_by_email({"ann@x.com"}) == old);  // the oldest
  CHECK(dir.contact_by_email({"nobody@x.com", "ann@x.com"}) == old);  // any spelling given
  std::string field_only = s->insert("Contact", {{"full_name", "Bob"}, {"email_id", "bob@y.com"}});
  CHECK(dir.contact_by_email({"bob@y.com"}) == field_only);
  std::string mixed = s->insert("Contact", {{"full_name", "Cy"}},
                                {{"email_ids", {Document{{"email_id", "Cy.Ray@Z.com"}}}}});
  CHECK(dir.contact_by_email({"cy.ray@z.com"}).empty());  // exact by default (one indexed read)
  CHECK(dir.contact_by_email({"cy.ray@z.com"}, /*any_case=*/true) == mixed);
  CHECK(dir.contact_by_email({"cy_ray@z.com"}, true).empty());  // "_" is no wildcard
}

TEST_CASE("directory: customers by name, in any case (Unicode too), whole names only") {
  auto s = test_support::site_store();
  Directory dir(*s);
  std::string jose = s->insert("Customer", {{"customer_name", "José Álvarez"}});
  s->insert("Customer", {{"customer_name", "José"}});
  s->insert("Customer", {{"customer_name", "Jose_Alvarez"}});
  CHECK(dir.customers_by_name("  JOSÉ ÁLVAREZ ") == std::vector<std::string>{jose});
  CHECK(dir.customers_by_name("jose alvarez").empty());  // accents are letters, not case
  CHECK(dir.customers_by_name("").empty());
  CHECK(match_customers(*s, "josé álvarez") == std::vector<std::string>{jose});  // the public name
}

TEST_CASE("directory: contacts by phone key, on the site's stored keys") {
  auto s = test_support::site_store("GB");
  Directory dir(*s);
  std::string c = s->insert("Contact", {{"full_name", "Ann"}},
                            {{"phone_nos", {Document{{"phone", "020 7946 0958"}}}}});
  s->insert("Contact", {{"full_name", "Ann again"}},
            {{"phone_nos", {Document{{"phone", "+44 20 7946 0958"}}}}});
  CHECK(dir.contact_by_phone_key("+442079460958") == c);
  CHECK(dir.contact_by_phone_key("+15551234567").empty());
  CHECK(dir.contact_by_phone_key("").empty());

  // Extensions: without_extension skips rows that store one; two different ones make desks.
  std::string desk = s->insert("Contact", {{"full_name", "Desk 1"}},
                               {{"phone_nos", {Document{{"phone", "0161 496 0091 ext 1"}}}}});
  CHECK(dir.contact_by_phone_key("+441614960091") == desk);
  CHECK(dir.contact_by_phone_key("+441614960091", /*without_extension=*/true).empty());
  std::string extension = "stale";
  CHECK(dir.contact_by_phone_key("+441614960091", false, &extension) == desk);
  CHECK(extension == "1");
  CHECK(dir.contact_by_phone_key("+442079460958", false, &extension) == c);
  CHECK(extension.empty());
  CHECK_FALSE(dir.has_desks("+441614960091"));  // one extension: the same line
  s->insert("CRM Lead", {{"first_name", "Desk"}, {"phone", "0161 496 0091 x1"}});
  CHECK_FALSE(dir.has_desks("+441614960091"));  // the same extension again
  s->insert("HD Ticket", {{"subject", "desk 2"}, {"contact_mobile", "+44 161 496 0091 x2"}});
  CHECK(dir.has_desks("+441614960091"));
  CHECK_FALSE(dir.has_desks("+442079460958"));
  CHECK_FALSE(dir.has_desks(""));
}

TEST_CASE("directory: one meaning of open, waiting and closed tickets") {
  auto s = test_support::site_store();
  s->insert("HD Ticket Status", {{"label_agent", "Awaiting Parts"}, {"category", "Paused"}});
  s->insert("HD Ticket Status", {{"label_agent", "Done"}, {"category", "Resolved"}});
  const model::TicketStatuses st = Directory(*s).ticket_statuses();
  for (const char* open : {"Open", "Replied", "Waiting for Customer", "On Hold", "Awaiting Parts"})
    CHECK(st.is_open(open));
  for (const char* waiting : {"Replied", "Waiting for Customer", "On Hold", "Awaiting Parts"})
    CHECK(st.is_waiting(waiting));
  CHECK_FALSE(st.is_waiting("Open"));
  for (const char* closed : {"Resolved", "Closed", "Done"}) {
    CHECK(st.is_closed(closed));
    CHECK_FALSE(st.is_open(closed));
  }
  // The site decides its own list.
  SiteConfig site = *s->site();
  site.open_ticket_statuses = {"Triage"};
  site.closed_ticket_statuses = {"Archived"};
  s->set_site(site);
  const model::TicketStatuses mine = Directory(*s).ticket_statuses();
  CHECK(mine.is_open("Triage"));
  CHECK_FALSE(mine.is_open("On Hold"));
  CHECK(mine.is_open("Replied"));  // category Paused
  CHECK(mine.is_closed("Archived"));
  CHECK(mine.is_closed("Closed"));  // category Resolved
}

TEST_CASE_TEMPLATE("directory: the customer's open ticket, newest first, through merges", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  Directory dir(*s);
  CHECK_FALSE(dir.open_ticket(by_sender("ann@x.com")));
  std::string older = ticket(*s, "ann@x.com", "Open", "2025-01-01 00:00:00");
  std::string newer = ticket(*s, "ann@x.com", "Replied", "2025-02-01 00:00:00");
  ticket(*s, "ann@x.com", "Closed", "2025-03-01 00:00:00");
  auto found = dir.open_ticket(by_sender("ann@x.com"));
  REQUIRE(found);
  CHECK(found->name == newer);
  CHECK(found->merged_from.empty());
  CHECK(found->row.text("status") == "Replied");
  CHECK(dir.open_tickets(by_sender("ann@x.com"), 5).size() == 2);
  // A merged (closed) ticket counts as its open survivor; a closed survivor does not.
  std::string survivor = ticket(*s, "other@x.com", "Open", "2025-01-05 00:00:00", "survivor");
  std::string merged = ticket(*s, "ann@x.com", "Closed", "2025-04-01 00:00:00");
  s->update("HD Ticket", merged, {{"is_merged", 1}, {"merged_with", survivor}}, false);
  found = dir.open_ticket(by_sender("ann@x.com"));
  REQUIRE(found);
  CHECK(found->name == survivor);
  CHECK(found->merged_from == merged);
  CHECK(found->row.text("subject") == "survivor");
  s->update("HD Ticket", survivor, {{"status", "Resolved"}}, false);
  CHECK(dir.open_ticket(by_sender("ann@x.com"))->name == newer);
  // Many closed tickets never hide an older open one.
  std::string lone = ticket(*s, "bob@y.com", "Open", "2024-01-01 00:00:00");
  for (int i = 0; i < 45; ++i) ticket(*s, "bob@y.com", "Closed", "2025-05-01 00:00:00");
  CHECK(dir.open_ticket(by_sender("bob@y.com"))->name == lone);
  (void)older;
}

TEST_CASE("directory: the customer's lead; open = not converted and not in a closed status") {
  auto s = test_support::site_store();
  Directory dir(*s);
  Filters by{Filter("email", "ann@x.com")};
  std::string open = s->insert("CRM Lead", {{"email", "ann@x.com"}, {"modified", "2025-01-01 00:00:00"}});
  std::string converted = s->insert(
      "CRM Lead", {{"email", "ann@x.com"}, {"converted", 1}, {"modified", "2025-02-01 00:00:00"}});
  CHECK(dir.lead(by, /*open_only=*/false)->name == converted);
  CHECK(dir.lead(by, /*open_only=*/true)->name == open);
  SiteConfig site = *s->site();
  site.closed_lead_statuses = {"Junk"};
  s->set_site(site);
  s->update("CRM Lead", open, {{"status", "Junk"}}, false);
  CHECK_FALSE(Directory(*s).lead(by, true));
  std::string survivor = s->insert("CRM Lead", {{"email", "new@x.com"}});
  std::string merged = s->insert("CRM Lead", {{"email", "ann@x.com"}, {"custom_merged_into", survivor}});
  auto found = Directory(*s).lead(by, true);
  REQUIRE(found);
  CHECK(found->name == survivor);
  CHECK(found->merged_from == merged);
}

TEST_CASE("directory: survivors follow chains and stop at cycles and dangling pointers") {
  auto s = test_support::site_store();
  Directory dir(*s);
  s->insert("HD Ticket", {{"name", "1"}, {"subject", "a"}, {"is_merged", 1}, {"merged_with", "2"}});
  s->insert("HD Ticket", {{"name", "2"}, {"subject", "b"}, {"is_merged", 1}, {"merged_with", "3"}});
  s->insert("HD Ticket", {{"name", "3"}, {"subject", "c"}});
  CHECK(dir.survivor("HD Ticket", "1") == "3");
  CHECK(dir.survivor("HD Ticket", "missing") == "missing");
  s->insert("CRM Lead", {{"name", "A"}, {"custom_merged_into", "B"}});
  s->insert("CRM Lead", {{"name", "B"}, {"custom_merged_into", "A"}});
  std::string end = dir.survivor("CRM Lead", "A");
  CHECK((end == "A" || end == "B"));
  s->insert("CRM Lead", {{"name", "C"}, {"custom_merged_into", "gone"}});
  CHECK(dir.survivor("CRM Lead", "C") == "C");
  auto row = dir.survivor_row("HD Ticket", *s->get("HD Ticket", "1"), {"name", "subject"});
  REQUIRE(row);
  CHECK(row->text("subject") == "c");
  // The public names are the Directory's.
  CHECK(resolve_survivor(*s, "HD Ticket", "1") == "3");
  CHECK(merge_pointer_field("CRM Lead") == model::merge_pointer("CRM Lead"));
}

TEST_CASE("directory: the create recipes") {
  auto s = test_support::site_store();
  Directory dir(*s);
  std::string customer = s->insert("Customer", {{"customer_name", "Jane Doe"}});
  std::string c = dir.create_contact({"Dr Jane van Doe", "", "", "jane@x.com", " +1 555 123 4567 ",
                                      {{"Customer", customer}}});
  auto contact = s->get("Contact", c);
  CHECK(contact->text("first_name") == "Jane");  // split_name: salutation dropped
  CHECK(contact->text("last_name") == "van Doe");
  CHECK(contact->text("full_name") == "Dr Jane van Doe");
  CHECK(contact->text("email_id") == "jane@x.com");
  CHECK(contact->text("mobile_no") == "+1 555 123 4567");
  auto emails = s->find("Contact Email", Query{Filter("parent", c)});
  REQUIRE(emails.size() == 1);
  CHECK(emails[0].integer("is_primary") == 1);
  auto phones = s->find("Contact Phone", Query{Filter("parent", c)});
  REQUIRE(phones.size() == 1);
  CHECK(phones[0].text("custom_phone_key") == "+15551234567");
  CHECK(phones[0].integer("is_primary_mobile_no") == 1);
  auto links = s->find("Dynamic Link", Query{Filter("parent", c), Filter("parenttype", "Contact")});
  REQUIRE(links.size() == 1);
  CHECK(links[0].text("link_doctype") == "Customer");
  CHECK(links[0].text("parentfield") == "links");
  CHECK_FALSE(dir.add_link("Contact", c, "Customer", customer));  // already linked
  CHECK(dir.add_link("Contact", c, "CRM Lead", "CRM-LEAD-1"));

  // ensure_contact finds by email in any case, or by phone key, and completes what is missing.
  CHECK(dir.ensure_contact({"", "", "", "JANE@x.com", "", {}}, "") == c);
  CHECK(dir.ensure_contact({"Jane", "", "", "jane.new@x.com", "555-123-4567", {}}, "+15551234567") == c);
  CHECK(s->count("Contact Email", {Filter("parent", c)}) == 2);
  CHECK(s->count("Contact Phone", {Filter("parent", c)}) == 1);
  std::string fresh = dir.ensure_contact({"", "", "", "", "555 000 1111", {}}, "");
  CHECK(fresh.empty());  // neither an email nor a phone key
  std::string by_phone = dir.ensure_contact({"Ed Poe", "", "", "", "555 000 1111", {}}, "+15550001111");
  CHECK(s->get("Contact", by_phone)->text("last_name") == "Poe");

  std::string t = dir.create_ticket({"Broken", "jane@x.com", c, "555 123 4567", "Support", "", ""});
  auto tk = s->get("HD Ticket", t);
  CHECK(tk->text("status") == "Open");  // the schema's default
  CHECK(tk->text("priority") == "Medium");
  CHECK(tk->integer("via_customer_portal", -1) == 0);
  CHECK(tk->text("contact_mobile") == "555 123 4567");
  CHECK(tk->text("contact_number") == "555 123 4567");
  CHECK(tk->text("opening_date") == s->now().substr(0, 10));
  CHECK(tk->get("description").is_null());

  std::string l = dir.create_lead({"Ludwig van Beethoven", "", "", "lvb@x.com", "", "", "Web"});
  auto lead = s->get("CRM Lead", l);
  CHECK(lead->text("first_name") == "Ludwig");
  CHECK(lead->text("last_name") == "van Beethoven");
  CHECK(lead->text("lead_name") == "Ludwig van Beethoven");
  CHECK(lead->text("status") == "New");
  CHECK(lead->text("source") == "Web");
  // Without a full name, lead_name is first and last joined: the inverse of the split.
  std::string joined = dir.create_lead({"", " Ann ", "de  Vries", "", "", "", ""});
  CHECK(s->get("CRM Lead", joined)->text("lead_name") == "Ann de Vries");
  CHECK(model::join_name("", "Lee") == "Lee");
  CHECK(model::join_name("Ann", "") == "Ann");
}

TEST_CASE_TEMPLATE("directory: follow-ups of a closed ticket, linked both ways, down the chain", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  Directory dir(*s);
  std::string closed = ticket(*s, "ann@x.com", "Closed", "2025-01-01 00:00:00");
  CHECK_FALSE(dir.latest_follow_up(closed).has_value());
  model::NewTicket t{"Re: x", "ann@x.com", "", "", "", "Open", "Medium", closed};
  std::string first = dir.create_ticket(t);
  CHECK(s->get("HD Ticket", first)->text(model::kFollowUpField) == closed);
  auto notes = s->find("Comment", Query{Filter("reference_doctype", Value("HD Ticket")),
                                        Filter("reference_name", Value(closed))});
  REQUIRE(notes.size() == 1);
  CHECK(notes.front().text("content").find(first) != std::string::npos);
  CHECK(dir.latest_follow_up(closed)->name == first);
  // A follow-up of the follow-up: the chain's end.
  t.follow_up_of = first;
  std::string second = dir.create_ticket(t);
  auto end = dir.latest_follow_up(closed);
  REQUIRE(end.has_value());
  CHECK(end->name == second);
  CHECK(end->row.text("status") == "Open");
  // Without follow_up_of: no link, no Comment.
  std::string plain = dir.create_ticket({"y", "bob@x.com", "", "", "", "Open", "Medium"});
  CHECK(s->get("HD Ticket", plain)->text(model::kFollowUpField).empty());
  CHECK(s->count("Comment", {}) == 2);
}
