// frontdesk — switchboard's front-desk services on an SQLite file or a MariaDB database.
#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace frontdesk;
  CLI::App app{"frontdesk: route email and calls, merge duplicates and move conversations "
               "between Frappe CRM and Helpdesk, on an SQLite file or a MariaDB database."};
  app.set_version_flag("--version", std::string("frontdesk (switchboard ") + switchboard::kVersion + ")");
  app.footer(
      "Exit codes: 0 success, 1 the operation failed (the message says why), 2 bad command "
      "line, 3 nothing to do / not found.\nThe database defaults to $FRONTDESK_DB, else "
      "./frontdesk.sqlite. It is an SQLite file or a MariaDB URL: "
      "mariadb://user:password@host:port/database or mariadb://user@localhost/database?socket=/path "
      "(password also from $MARIADB_PASSWORD).");
  app.require_subcommand(1);
  Context ctx;
  if (const char* env = std::getenv("FRONTDESK_DB")) ctx.db = env;
  app.add_option("--db", ctx.db,
                 "SQLite file (created when missing) or mariadb:// URL (tables created when missing)");
  app.add_option("--site", ctx.site_file,
                 "Site facts (SiteConfig JSON: region, company domains, aliases, statuses, "
                 "company numbers) to store in the database first; see `frontdesk site`");
  app.add_flag("-q,--quiet", ctx.quiet, "Print only errors");

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
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  try {
    return run ? run() : kUsage;
  } catch (const switchboard::Error& e) {
    std::cerr << "frontdesk: " << e.what() << " [" << switchboard::error_code_name(e.code())
              << "]\n";
    return kFailed;
  } catch (const std::exception& e) {
    std::cerr << "frontdesk: unexpected error: " << e.what() << "\n";
    return kFailed;
  }
}
