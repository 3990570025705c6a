// frontdesk internals: the shared context of all subcommands and small output helpers.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "switchboard/open_store.h"
#include "switchboard/switchboard.h"

namespace frontdesk {

/// Exit codes (documented in --help).
enum Exit : int { kOk = 0, kFailed = 1, kUsage = 2, kNoData = 3 };

/// Options every subcommand shares, and the store opened from them.
struct Context {
  std::string db = "frontdesk.sqlite";
  /// --site FILE: a SiteConfig as JSON, stored in the database before the command runs.
  std::string site_file;
  bool quiet = false;
  /// Opens (creating and migrating) the database named by --db (open_store), with its stored
  /// site facts (replaced by --site FILE when given); cached.
  switchboard::Store& store();
  std::shared_ptr<switchboard::Store> store_ptr();
  /// --db for messages (a URL's password hidden).
  std::string db_label() const;
  /// Prints unless --quiet.
  void say(const std::string& line) const;

 private:
  std::shared_ptr<switchboard::Store> store_;
};

/// A one-line progress bar on stderr (only when it is a terminal, or when forced).
class ProgressBar {
 public:
  ProgressBar(std::string label, std::int64_t total, bool enabled);
  ~ProgressBar();
  void tick(std::int64_t n = 1);
  void finish();

 private:
  void draw(bool final_draw);
  std::string label_;
  std::int64_t total_, done_ = 0;
  bool enabled_, finished_ = false;
  std::int64_t last_percent_ = -1;
};

/// Prints the document count of every doctype (non-empty ones unless `all`).
void print_stats(Context& ctx, bool all);

/// Each area registers its subcommands here; `run` is set to the command's body.
using Runner = std::function<int()>;
void add_store_commands(CLI::App& app, Context& ctx, Runner& run);
void add_demo_command(CLI::App& app, Context& ctx, Runner& run);
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
