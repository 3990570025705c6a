// frontdesk init / stats: create the database, and show what it holds.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli.h"
#include "switchboard/mariadb_store.h"

namespace frontdesk {

void print_stats(Context& ctx, bool all) {
  auto& store = ctx.store();
  ctx.say(fmt::format("{}:", ctx.db_label()));
  for (const auto& def : store.schema().doctypes()) {
    if (def->name == "Series") continue;
    std::int64_t n = store.count(def->name);
    if (n == 0 && !all) continue;
    std::string line = fmt::format("  {:<26} {:>8}", def->name, n);
    if (n > 0 && def->field("status") && !def->is_child) {
      std::map<std::string, int> by_status;
      for (const auto& d : store.find(def->name, switchboard::Query().select({"status"})))
        ++by_status[d.text("status").empty() ? "(none)" : d.text("status")];
      std::string parts;
      for (const auto& [status, count] : by_status)
        parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, status);
      line += "   (" + parts + ")";
    }
    ctx.say(line);
  }
}

void add_store_commands(CLI::App& app, Context& ctx, Runner& run) {
  auto* init = app.add_subcommand("init", "Create the database (or migrate it in place) and seed "
                                          "Frappe's default statuses");
  init->callback([&ctx, &run] {
    run = [&ctx] {
      auto& store = ctx.store();
      std::string version = switchboard::is_mariadb_url(ctx.db)
                                ? std::string()
                                : fmt::format("schema version {}, ", switchboard::sqlite_schema_version());
      ctx.say(fmt::format("initialized {} ({}{} doctypes)", ctx.db_label(), version,
                          store.schema().doctypes().size()));
      return static_cast<int>(kOk);
    };
  });

  auto* site = app.add_subcommand(
      "site", "Show the site facts stored in the database (region, company domains, routing "
              "aliases, statuses, company numbers) as JSON; with FILE, store those first");
  static std::string site_file;
  site->add_option("file", site_file, "A SiteConfig as a JSON file to store in the database");
  site->callback([&ctx, &run] {
    run = [&ctx] {
      if (!site_file.empty()) ctx.site_file = site_file;
      auto& store = ctx.store();
      std::cout << store.site()->to_json() << "\n";
      return static_cast<int>(kOk);
    };
  });

  auto* stats = app.add_subcommand("stats", "Count the documents of every doctype");
  static bool all = false;
  stats->add_flag("--all", all, "Also list doctypes with no documents");
  stats->callback([&ctx, &run] {
    run = [&ctx] {
      print_stats(ctx, all);
      return static_cast<int>(kOk);
    };
  });
}

}  // namespace frontdesk
