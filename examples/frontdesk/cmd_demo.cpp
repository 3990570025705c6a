// frontdesk demo: a guided run on a new database of its own, showing what each service does.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "switchboard/mariadb_store.h"

namespace frontdesk {
namespace {

namespace fs = std::filesystem;

// A new, empty file for the demo in $TMPDIR (the file exists, so no other run picks it).
std::string temp_database() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/frontdesk-demo-XXXXXX.sqlite";
  int fd = mkstemps(pattern.data(), 7);
  if (fd < 0)
    throw switchboard::Error(switchboard::ErrorCode::kIo, "cannot create a file like " + pattern);
  close(fd);
  return pattern;
}

// Where the demo may write: --db when given (a new file, or with --force an existing
// switchboard database, replaced), else a new temporary file. Never $FRONTDESK_DB.
void choose_database(Context& ctx, bool force) {
  if (!ctx.db_given) {
    ctx.db = temp_database();
    return;
  }
  if (switchboard::is_mariadb_url(ctx.db))
    throw switchboard::ValidationError(
        "the demo runs on an SQLite file of its own; --db names a MariaDB database (" +
            ctx.db_label() + "), which it leaves alone",
        switchboard::ErrorCode::kInvalidArgument);
  if (!fs::exists(ctx.db)) return;
  if (!is_switchboard_database(ctx.db))
    throw switchboard::StoreError(
        switchboard::ErrorCode::kSchema,
        "'" + ctx.db + "' exists and is not a switchboard database; the demo never touches it "
        "(choose another --db, or leave --db out for a new temporary file)");
  if (!force)
    throw switchboard::StoreError(
        switchboard::ErrorCode::kDuplicate,
        "'" + ctx.db + "' already holds a switchboard database; the demo replaces it only with "
        "--force (or leave --db out for a new temporary file)");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(ctx.db + suffix);
}

int run_demo(Context& ctx) {
  auto& store = ctx.store();
  ctx.say(fmt::format("== switchboard {} demo on a new SQLite file: {}", switchboard::kVersion,
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
  static bool force = false;
  auto* demo = app.add_subcommand("demo", "A guided tour of every service, on a new database");
  demo->add_flag("--force", force, "Replace the switchboard database --db names");
  set_help(demo,
           "Works on a new temporary file unless --db names one. An existing --db is refused\n"
           "unless it is a switchboard database and --force is given (it is then replaced); a\n"
           "file that is not a switchboard database is never touched. $FRONTDESK_DB is ignored.",
           {"frontdesk demo", "frontdesk demo --db demo.sqlite",
                      "frontdesk demo --db demo.sqlite --force   # run it again on the same file"});
  on_run(demo, ctx, run, Access::kCreate, [&ctx] {
    choose_database(ctx, force);
    int code = run_demo(ctx);
    if (code != kOk) return code;
    demo_phones(ctx);
    demo_routing(ctx);
    demo_conversations(ctx);
    demo_calls(ctx);
    ctx.say("== what the database holds now (frontdesk stats)");
    print_stats(ctx, false);
    ctx.say("");
    ctx.say("Look around yourself: frontdesk stats --db " + ctx.db);
    return static_cast<int>(kOk);
  });
}

}  // namespace frontdesk
