// frontdesk internals: the shared context of all subcommands, the one place the database is
// opened, and small output helpers. Each subcommand group lives in its own cmd_<group>.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

namespace frontdesk {

using json = nlohmann::json;

/// Exit codes, the same for every subcommand (kExitCodes is printed by --help).
enum Exit : int {
  kOk = 0,         // done (including "nothing to do")
  kFailed = 1,     // some items of a batch failed; the others were done
  kUsage = 2,      // bad command line
  kDataError = 3,  // bad data or store error: missing database or record, unreadable input
  kNoData = kDataError,  // its former name, kept for commands written against it
};
extern const char* const kExitCodes;

/// How a subcommand uses the database.
enum class Access {
  kNone,    // never opens it
  kRead,    // read-only; the database must exist
  kWrite,   // an existing switchboard database, for writing
  kCreate,  // created when missing (init)
};

/// Options every subcommand shares, and the store opened from them.
struct Context {
  std::string db;  // --db, else $FRONTDESK_DB, else ./frontdesk.sqlite
  bool db_given = false;  // --db was on the command line
  /// --site FILE: a SiteConfig as JSON. Commands that write store it in the database before
  /// they run; commands that only read use it for this run without storing it.
  std::string site_file;
  bool quiet = false;
  bool verbose = false;
  bool as_json = false;            // --json of the running subcommand
  Access access = Access::kWrite;  // set by the running subcommand (see on_run)
  /// The running subcommand brings stale stored phone keys up to date itself (with progress):
  /// opening an SQLite file leaves them (open_database's refresh_keys).
  bool command_refreshes_keys = false;
  /// The database, opened on first use as `access` says (open_database), with its stored
  /// site facts or those of --site FILE; cached.
  switchboard::Store& store();
  std::shared_ptr<switchboard::Store> store_ptr();
  /// --db for messages (a URL's password hidden).
  std::string db_label() const;
  /// Prints a line on stdout unless --quiet or --json (clears a progress bar first).
  void say(const std::string& line) const;
  /// Prints a JSON result on stdout.
  void print_json(const json& j) const;
  /// Whether progress bars are drawn: stdout and stderr are terminals, no --quiet or --json.
  bool progress() const;

 private:
  std::shared_ptr<switchboard::Store> store_;
};

/// The one place a --db / $FRONTDESK_DB string becomes a store. An SQLite file: kRead opens it
/// read-only; kRead and kWrite fail (NotFound) when it does not exist and (StoreError schema)
/// when it is not a switchboard database; only kCreate creates a file. A mariadb:// URL: the
/// database must exist on the server; its tables are created when missing (open_store).
/// Opening for writing brings stale stored phone keys up to date (refresh_phone_keys), except
/// an SQLite file with `refresh_keys` false: the caller does it.
std::shared_ptr<switchboard::Store> open_database(const std::string& db, Access access,
                                                  bool refresh_keys = true);

/// The SiteConfig JSON file of --site or `frontdesk site FILE` (NotFound when unreadable,
/// ValidationError or ParseError when it is not a valid site).
switchboard::SiteConfig read_site_file(const std::string& path);

/// Whether `path` is an SQLite file holding a switchboard database (read-only check; the file
/// is not changed).
bool is_switchboard_database(const std::string& path);

/// A one-line progress bar on stderr, drawn only when `enabled` (see Context::progress).
class ProgressBar {
 public:
  ProgressBar(std::string label, std::int64_t total, bool enabled);
  ~ProgressBar();
  void tick(std::int64_t n = 1);
  void finish();
  /// Erases the bar so that a line can be printed; the next tick draws it again.
  static void clear_active();

 private:
  void draw(bool final_draw);
  std::string label_;
  std::int64_t total_, done_ = 0;
  bool enabled_, finished_ = false;
  std::int64_t last_percent_ = -1;
};

// A progress bar created on the first report, when the total is known.
class LazyBar {
 public:
  LazyBar(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}
  std::function<void(std::int64_t, std::int64_t)> callback() {
    return [this](std::int64_t done, std::int64_t total) {
      if (!bar_) bar_ = std::make_unique<ProgressBar>(label_, total, enabled_);
      bar_->tick(done - done_);
      done_ = done;
    };
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::string label_;
  bool enabled_;
  std::int64_t done_ = 0;
  std::unique_ptr<ProgressBar> bar_;
};

/// The runner of the chosen subcommand, set by its callback.
using Runner = std::function<int()>;

/// Makes `body` the action of `cmd`, run with the database access it needs.
void on_run(CLI::App* cmd, Context& ctx, Runner& run, Access access, std::function<int()> body);
/// Adds --json (bound to ctx.as_json) to `cmd`.
void add_json_flag(CLI::App* cmd, Context& ctx);
/// Sets `cmd`'s help footer: `details` (when not empty), then these example command lines.
void set_help(CLI::App* cmd, const std::string& details, std::initializer_list<const char*> examples);
inline void set_examples(CLI::App* cmd, std::initializer_list<const char*> examples) {
  set_help(cmd, "", examples);
}

json to_json(const switchboard::Value& v);
json to_json(const switchboard::Document& d);
/// `s` on one line, cut to `width` characters.
std::string one_line(std::string s, std::size_t width);

/// Prints the document count of every doctype (non-empty ones unless `all`).
int print_stats(Context& ctx, bool all);

/// Each area registers its subcommands here.
void add_store_commands(CLI::App& app, Context& ctx, Runner& run);         // cmd_store.cpp
void add_demo_command(CLI::App& app, Context& ctx, Runner& run);           // cmd_demo.cpp
void add_phone_commands(CLI::App& app, Context& ctx, Runner& run);         // cmd_phone.cpp
void add_routing_commands(CLI::App& app, Context& ctx, Runner& run);       // cmd_route.cpp
void add_conversation_commands(CLI::App& app, Context& ctx, Runner& run);  // cmd_conversations.cpp
void add_call_commands(CLI::App& app, Context& ctx, Runner& run);          // cmd_calls.cpp
void add_ringcentral_commands(CLI::App& app, Context& ctx, Runner& run);   // cmd_ringcentral.cpp

/// The RingCentral client of commands that use the stored configuration (cmd_ringcentral.cpp).
/// Without `throttle_waits` a throttled call raises at once (the worker defers the job).
struct RcClientFlags {
  std::vector<std::string> allow_origins;
  std::string key_file;
};
std::shared_ptr<switchboard::RingCentralClient> make_ringcentral_client(Context& ctx, const RcClientFlags& flags,
                                                                        bool with_credentials, bool throttle_waits);
/// CallLogger options from the store's site facts (region, company numbers) and the flags,
/// with the hook that queues each call's RingCentral follow-up jobs (cmd_worker.cpp).
switchboard::CallLoggerOptions call_logger_options(Context& ctx, const std::vector<std::string>& company_numbers,
                                                   const std::string& region, bool create_tickets,
                                                   const switchboard::RingCentralJobOptions& jobs);
void add_worker_command(CLI::App& app, Context& ctx, Runner& run);         // cmd_worker.cpp

/// Sections of `frontdesk demo`, in order, each printing what it did.
void demo_phones(Context& ctx);
void demo_routing(Context& ctx);
void demo_conversations(Context& ctx);
void demo_calls(Context& ctx);

}  // namespace frontdesk
