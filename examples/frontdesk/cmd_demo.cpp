// frontdesk demo: a guided run on a fresh file, showing what each service does.
#include <cstdio>

#include <fmt/format.h>

#include "cli.h"
#include "switchboard/mariadb_store.h"

namespace frontdesk {
namespace {

int run_demo(Context& ctx) {
  if (switchboard::is_mariadb_url(ctx.db))
    throw switchboard::ValidationError(
        "the demo deletes its database first, so it runs on an SQLite file; --db names a "
        "MariaDB database (" + ctx.db_label() + ")", switchboard::ErrorCode::kInvalidArgument);
  std::remove(ctx.db.c_str());
  std::remove((ctx.db + "-wal").c_str());
  std::remove((ctx.db + "-shm").c_str());
  auto& store = ctx.store();
  ctx.say(fmt::format("== switchboard {} demo on a fresh SQLite file: {}", switchboard::kVersion,
                      ctx.db));
  // The demo company's site: what `frontdesk site FILE` stores for a real one.
  switchboard::SiteConfig site;
  site.region = "US";
  site.company_domains = {"cozycornerpatios.com", "zipcushions.com"};
  for (const char* domain : {"cozycornerpatios.com", "zipcushions.com"}) {
    site.support_aliases.push_back(std::string("support@") + domain);
    site.sales_aliases.push_back(std::string("sales@") + domain);
    site.info_aliases.push_back(std::string("info@") + domain);
  }
  site.company_numbers = {"+15559876543"};
  switchboard::save_site_config(store, site);
  ctx.say(fmt::format("site: region {}, company domains {} and {}, company number {}",
                      site.region, site.company_domains[0], site.company_domains[1],
                      site.company_numbers[0]));
  ctx.say(fmt::format("schema: {} doctypes, Frappe's default statuses seeded",
                      store.schema().doctypes().size()));

  using switchboard::Document;
  switchboard::Transaction tx(store);
  std::string customer = store.insert("Customer", {{"customer_name", "Jane Doe"}});
  std::string contact = store.insert(
      "Contact", {{"first_name", "Jane"}, {"last_name", "Doe"}, {"full_name", "Jane Doe"},
                  {"email_id", "jane@example.com"}},
      {{"email_ids", {Document{{"email_id", "jane@example.com"}, {"is_primary", 1}}}},
       {"phone_nos", {Document{{"phone", "+1 555 123 4567"}, {"is_primary_mobile_no", 1}}}},
       {"links", {Document{{"link_doctype", "Customer"}, {"link_name", customer}}}}});
  std::string lead = store.insert("CRM Lead", {{"first_name", "Jane"}, {"last_name", "Doe"},
                                               {"email", "jane@example.com"},
                                               {"mobile_no", "+1 (555) 123-4567"}});
  std::string ticket = store.insert("HD Ticket", {{"subject", "Where is my order?"},
                                                  {"raised_by", "jane@example.com"},
                                                  {"contact", contact}});
  tx.commit();
  ctx.say(fmt::format("stored Customer '{}', Contact '{}', CRM Lead {}, HD Ticket {}", customer,
                      contact, lead, ticket));
  ctx.say("");
  return kOk;
}

}  // namespace

void add_demo_command(CLI::App& app, Context& ctx, Runner& run) {
  auto* demo = app.add_subcommand("demo", "Run the guided demo on a fresh database (--db is "
                                          "deleted first)");
  demo->callback([&ctx, &run] {
    run = [&ctx] {
      int code = run_demo(ctx);
      if (code != kOk) return code;
      demo_phones(ctx);
      demo_routing(ctx);
      demo_conversations(ctx);
      demo_calls(ctx);
      ctx.say("== what the database holds now (frontdesk stats)");
      print_stats(ctx, false);
      return static_cast<int>(kOk);
    };
  });
}

}  // namespace frontdesk
