// frontdesk — switchboard's front-desk services on an SQLite file or a MariaDB database.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli.h"

namespace {

using namespace frontdesk;

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The deepest subcommand the command line chose (the app itself when none).
CLI::App* chosen(CLI::App& app) {
  CLI::App* cur = &app;
  for (auto subs = cur->get_subcommands(); !subs.empty(); subs = cur->get_subcommands())
    cur = subs.front();
  return cur;
}

std::string command_path(CLI::App* cmd) {
  std::string path;
  for (CLI::App* c = cmd; c; c = c->get_parent())
    path = c->get_parent() ? " " + c->get_name() + path : "frontdesk" + path;
  return path;
}

// A usage error a person can act on: an unknown or missing command gets the list of commands
// (and the nearest name); anything else CLI11's message and where to find help.
int usage_error(CLI::App& app, const CLI::ParseError& e) {
  CLI::App* cmd = chosen(app);
  auto children = cmd->get_subcommands([](CLI::App*) { return true; });
  if (!children.empty()) {
    std::string names, nearest;
    std::size_t best = 3;
    std::string typed;
    // The first word left over (an unknown word falls through to the parents).
    for (CLI::App* c = cmd; c && typed.empty(); c = c->get_parent())
      for (const auto& arg : c->remaining())
        if (!arg.empty() && arg[0] != '-') {
          typed = arg;
          break;
        }
    for (CLI::App* child : children) {
      names += (names.empty() ? "" : ", ") + child->get_name();
      std::size_t d = typed.empty() ? 99 : edit_distance(typed, child->get_name());
      if (d < best) best = d, nearest = child->get_name();
    }
    if (!typed.empty())
      std::cerr << command_path(cmd) << ": unknown command '" << typed << "'"
                << (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") << "\n";
    else
      std::cerr << command_path(cmd) << ": a command is required\n";
    std::cerr << "Commands: " << names << "\nRun '" << command_path(cmd)
              << " --help' for more.\n";
    return kUsage;
  }
  std::cerr << command_path(cmd) << ": " << e.what() << "\nRun '" << command_path(cmd)
            << " --help' for more.\n";
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "frontdesk: route email and calls, merge duplicates and move conversations between "
      "Frappe CRM and Helpdesk, on an SQLite file or a MariaDB database.\n"
      "Options may come before or after the command; every command has --help."};
  app.name("frontdesk");
  app.set_version_flag("--version", std::string("frontdesk (switchboard ") + switchboard::kVersion + ")");
  app.set_help_all_flag("--help-all", "Print the help of every command");
  app.footer(std::string(
                 "The database is --db, else $FRONTDESK_DB, else ./frontdesk.sqlite. Only "
                 "`init` creates one; commands that only read open it read-only; `demo` "
                 "works on a new file of its own.\nA database is an SQLite file or a MariaDB URL: "
                 "mariadb://user:password@host:port/database or "
                 "mariadb://user@localhost/database?socket=/path (password also from "
                 "$MARIADB_PASSWORD; the database must exist, its tables are created).\n\n") +
             kExitCodes +
             "\n\nExamples:\n"
             "  frontdesk demo\n"
             "  frontdesk init --db crm.sqlite\n"
             "  frontdesk route mailbox/ --db crm.sqlite --dry-run\n"
             "  FRONTDESK_DB=crm.sqlite frontdesk calls tests/data/telephony/seed_curl.json\n"
             "  frontdesk stats --json");
  app.require_subcommand(1);
  app.fallthrough();  // global options after the subcommand reach the app (inherited below)
  Context ctx;
  app.add_option("--db", ctx.db, "SQLite file or mariadb:// URL to work on (default "
                                 "$FRONTDESK_DB, else ./frontdesk.sqlite)");
  app.add_option("--site", ctx.site_file,
                 "Site facts (SiteConfig JSON: region, company domains, aliases, statuses, "
                 "company numbers) for this command, stored in the database by commands that "
                 "write; see `frontdesk site`");
  app.add_flag("-q,--quiet", ctx.quiet, "Print only errors");
  app.add_flag("-v,--verbose", ctx.verbose, "Log what the library does on stderr");

  Runner run;
  add_store_commands(app, ctx, run);
  add_demo_command(app, ctx, run);
  add_phone_commands(app, ctx, run);
  add_routing_commands(app, ctx, run);
  add_conversation_commands(app, ctx, run);
  add_call_commands(app, ctx, run);
  add_ringcentral_commands(app, ctx, run);
  add_worker_command(app, ctx, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }
  ctx.db_given = !ctx.db.empty();
  if (ctx.db.empty()) {
    const char* env = std::getenv("FRONTDESK_DB");
    ctx.db = env && *env ? env : "frontdesk.sqlite";
  }
  if (ctx.verbose)  // everything the library logs, on stderr (else: $SWITCHBOARD_LOG decides)
    switchboard::set_log_sink(
        [](switchboard::LogLevel level, const std::string& category, const std::string& message) {
          ProgressBar::clear_active();
          std::fprintf(stderr, "frontdesk [%s] %s: %s\n", category.c_str(),
                       switchboard::log_level_name(level), message.c_str());
        },
        switchboard::LogLevel::kDebug);
  try {
    return run ? run() : kUsage;
  } catch (const switchboard::Error& e) {
    ProgressBar::clear_active();
    std::cerr << "frontdesk: " << e.what() << " [" << switchboard::error_code_name(e.code())
              << "]\n";
    return kDataError;
  } catch (const std::exception& e) {
    ProgressBar::clear_active();
    std::cerr << "frontdesk: unexpected error: " << e.what() << "\n";
    return kDataError;
  }
}
