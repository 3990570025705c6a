// frontdesk init / stats: create the database, and show what it holds.
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "cli.h"
#include "switchboard/mariadb_store.h"

namespace frontdesk {

int print_stats(Context& ctx, bool all) {
  auto& store = ctx.store();
  json doctypes = json::object();
  ctx.say(fmt::format("{}:", ctx.db_label()));
  for (const auto& def : store.schema().doctypes()) {
    if (def->name == "Series") continue;
    std::int64_t n = store.count(def->name);
    if (n == 0 && !all) continue;
    std::string line = fmt::format("  {:<26} {:>8}", def->name, n);
    json entry{{"count", n}};
    if (n > 0 && def->field("status") && !def->is_child) {
      std::map<std::string, int> by_status;
      for (const auto& d : store.find(def->name, switchboard::Query().select({"status"})))
        ++by_status[d.text("status").empty() ? "(none)" : d.text("status")];
      std::string parts;
      for (const auto& [status, count] : by_status)
        parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, status);
      line += "   (" + parts + ")";
      entry["by_status"] = by_status;
    }
    doctypes[def->name] = entry;
    ctx.say(line);
  }
  if (ctx.as_json) ctx.print_json({{"database", ctx.db_label()}, {"doctypes", doctypes}});
  return kOk;
}

void add_store_commands(CLI::App& app, Context& ctx, Runner& run) {
  auto* init = app.add_subcommand("init", "Create the database, or migrate it in place");
  add_json_flag(init, ctx);
  set_help(init,
           "Creates the SQLite file with every doctype and Frappe's default statuses, or opens\n"
           "an existing switchboard database and migrates it to this version, its stored phone\n"
           "keys included (rows keyed by an older version are keyed again). The only command\n"
           "that creates a database; a file that is not a switchboard database is left alone.",
           {"frontdesk init --db crm.sqlite", "FRONTDESK_DB=crm.sqlite frontdesk init"});
  on_run(init, ctx, run, Access::kCreate, [&ctx] {
    ctx.command_refreshes_keys = true;
    const bool sqlite = !switchboard::is_mariadb_url(ctx.db);
    bool existed = sqlite && std::filesystem::exists(ctx.db) && std::filesystem::file_size(ctx.db) > 0;
    auto& store = ctx.store();
    json j{{"database", ctx.db_label()}, {"doctypes", store.schema().doctypes().size()}};
    if (sqlite) {
      j["created"] = !existed;
      j["schema_version"] = switchboard::sqlite_schema_version();
    }
    if (sqlite)
      ctx.say(fmt::format("{} {} (schema version {}, {} doctypes)",
                          existed ? "opened and migrated" : "created", ctx.db,
                          switchboard::sqlite_schema_version(), store.schema().doctypes().size()));
    else
      ctx.say(fmt::format("initialized {} ({} doctypes)", ctx.db_label(),
                          store.schema().doctypes().size()));
    // Migrating includes the stored phone keys: when the settings record that another key
    // version or other regions computed them, every keyed doctype is rekeyed (and the record
    // renewed); otherwise every row is still read once, for rows written outside the library.
    std::vector<switchboard::RekeyReport> reports;
    {
      LazyBar bar("re-keying stored phone keys", ctx.progress());
      reports = switchboard::refresh_phone_keys(store, bar.callback());
      bar.finish();
    }
    if (reports.empty()) {
      for (const auto& doctype : switchboard::keyed_doctypes()) {
        if (!store.schema().find(doctype)) continue;
        LazyBar bar("re-keying " + doctype, ctx.progress());
        reports.push_back(switchboard::rekey_phone_keys(store, doctype, bar.callback()));
        bar.finish();
      }
    }
    json rekeyed = json::object();
    for (const auto& report : reports) {
      rekeyed[report.doctype] = report.updated;
      if (report.updated)
        ctx.say(fmt::format("{}: {} stored phone keys refreshed", report.doctype, report.updated));
    }
    j["keys_refreshed"] = rekeyed;
    if (ctx.as_json) ctx.print_json(j);
    return static_cast<int>(kOk);
  });

  auto* site = app.add_subcommand(
      "site", "Show the site facts of the database (region, company domains, routing aliases, "
              "statuses, company numbers) as JSON; with FILE, store those first");
  static std::string site_file;
  site->add_option("file", site_file, "A SiteConfig as a JSON file to store in the database");
  add_json_flag(site, ctx);
  set_help(site,
           "Services take these facts from the database: the region of numbers without a country\n"
           "code, the company's mail domains and aliases, ticket and lead statuses, the company's\n"
           "phone numbers. Without FILE the database is only read. The output is JSON (--json\n"
           "is accepted for symmetry with the other commands).",
           {"frontdesk site --db crm.sqlite", "frontdesk site site.json --db crm.sqlite"});
  on_run(site, ctx, run, Access::kRead, [&ctx] {
    // Storing FILE writes; showing the facts only reads (--site FILE then holds for this run).
    ctx.access = site_file.empty() ? Access::kRead : Access::kWrite;
    if (!site_file.empty()) ctx.site_file = site_file;
    auto& store = ctx.store();
    ctx.print_json(json::parse(store.site()->to_json()));
    return static_cast<int>(kOk);
  });

  auto* stats = app.add_subcommand("stats", "Count the documents of every doctype (read-only)");
  static bool all = false;
  stats->add_flag("--all", all, "Also list doctypes with no documents");
  add_json_flag(stats, ctx);
  set_help(stats, "Prints each doctype's document count, and their statuses where they have one.",
           {"frontdesk stats --db crm.sqlite", "frontdesk stats --all --json"});
  on_run(stats, ctx, run, Access::kRead, [&ctx] { return print_stats(ctx, all); });
}

}  // namespace frontdesk
