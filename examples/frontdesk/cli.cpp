#include "cli.h"

#include "switchboard/mariadb_store.h"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace frontdesk {

const char* const kExitCodes =
    "Exit codes (the same for every command):\n"
    "  0  done (also when there was nothing to do)\n"
    "  1  some items of a batch failed; the others were done, each failure is reported\n"
    "  2  usage error: unknown command, bad or missing option or argument\n"
    "  3  data or store error: no such database, file or record; not a switchboard database;\n"
    "     unreadable input; the store failed (nothing was written)";

namespace {

bool sqlite_path(const std::string& db) { return db != ":memory:" && !db.empty(); }

std::string init_hint(const std::string& db) {
  return "; create it with: frontdesk init --db " + db;
}

// `path` as an SQLite URI that reads the file without locking it or creating -wal/-shm files.
std::string untouched_uri(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else uri += c;
  }
  return uri + "?immutable=1";
}

// Whether `uri` opens read-only as a switchboard database.
bool opens_as_switchboard(const std::string& uri) {
  switchboard::SqliteOptions options;
  options.path = uri;
  options.read_only = true;
  try {
    switchboard::make_sqlite_backend(options)->open(switchboard::Schema::standard());
    return true;
  } catch (const switchboard::StoreError& e) {
    // A newer switchboard's database, or one that needs a migration, is still ours.
    return e.code() == switchboard::ErrorCode::kSchema &&
           std::string(e.what()).find("not a switchboard database") == std::string::npos;
  } catch (const switchboard::Error&) {
    return false;
  }
}

}  // namespace

bool is_switchboard_database(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return false;
  if (opens_as_switchboard(untouched_uri(path))) return true;
  // Its newest pages may still be in the -wal file: read it as any reader would (the -wal
  // and -shm files exist already, so nothing new is created).
  return std::filesystem::exists(path + "-wal") && opens_as_switchboard(path);
}

std::shared_ptr<switchboard::Store> open_database(const std::string& db, Access access,
                                                  bool refresh_keys) {
  switchboard::SqliteOptions options;
  options.path = db;
  const bool file = sqlite_path(db);
  const bool exists = !file || std::filesystem::exists(db);
  const bool empty = file && exists && std::filesystem::is_regular_file(db) &&
                     std::filesystem::file_size(db) == 0;
  if (access == Access::kNone)
    throw switchboard::Error(switchboard::ErrorCode::kInternal, "this command opens no database");
  if (switchboard::is_mariadb_url(db)) {
    switchboard::log(switchboard::LogLevel::kInfo, "frontdesk",
                     "database " + switchboard::describe_database(db));
    return switchboard::open_store(db);
  }
  if (!exists && access != Access::kCreate)
    throw switchboard::NotFound("no database at '" + db + "'" + init_hint(db));
  // Only a switchboard database is ever opened for writing (an empty file may become one).
  if (file && exists && !empty && !is_switchboard_database(db))
    throw switchboard::StoreError(switchboard::ErrorCode::kSchema,
                                  "'" + db + "' is not a switchboard database; frontdesk leaves "
                                  "it alone");
  options.create = access == Access::kCreate;
  options.read_only = access == Access::kRead && file;
  switchboard::log(switchboard::LogLevel::kInfo, "frontdesk",
                   "database '" + db + "'" + (options.read_only ? ", read-only" : "") +
                       (exists ? "" : ", created now"));
  if (!refresh_keys && !options.read_only) {  // make_sqlite_store without refresh_phone_keys
    auto store = switchboard::open_store(switchboard::make_sqlite_backend(options), nullptr,
                                         /*seed_defaults=*/false);
    switchboard::seed_standard_records(*store);
    return store;
  }
  return switchboard::make_sqlite_store(options);
}

switchboard::SiteConfig read_site_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw switchboard::NotFound("site file '" + path + "' cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return switchboard::SiteConfig::from_json(text.str());
}

switchboard::Store& Context::store() { return *store_ptr(); }

std::shared_ptr<switchboard::Store> Context::store_ptr() {
  if (store_) return store_;
  store_ = open_database(db, access, !command_refreshes_keys);
  if (!site_file.empty()) {
    switchboard::SiteConfig site = read_site_file(site_file);
    // A read-only database is not changed: the facts hold for this run only.
    if (access == Access::kRead) store_->set_site(std::move(site));
    else switchboard::save_site_config(*store_, site);
  }
  return store_;
}

std::string Context::db_label() const { return switchboard::describe_database(db); }

void Context::say(const std::string& line) const {
  if (quiet || as_json) return;
  ProgressBar::clear_active();
  std::cout << line << '\n';
}

void Context::print_json(const json& j) const {
  ProgressBar::clear_active();
  std::cout << j.dump(2) << '\n';
}

bool Context::progress() const {
  return !quiet && !as_json && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO);
}

// ---- progress bar ------------------------------------------------------------------------------

namespace {
ProgressBar* g_active_bar = nullptr;  // the bar on screen, if any (one thread draws)
}

ProgressBar::ProgressBar(std::string label, std::int64_t total, bool enabled)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::tick(std::int64_t n) {
  done_ += n;
  if (enabled_) draw(false);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) {
    draw(true);
    std::fputc('\n', stderr);
  }
  if (g_active_bar == this) g_active_bar = nullptr;
}

void ProgressBar::clear_active() {
  if (!g_active_bar) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  g_active_bar->last_percent_ = -1;  // redraw on the next tick
}

void ProgressBar::draw(bool final_draw) {
  std::int64_t percent = total_ ? done_ * 100 / total_ : 100;
  if (percent == last_percent_ && !final_draw) return;
  last_percent_ = percent;
  g_active_bar = this;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(percent * kWidth / 100);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %3lld%% (%lld/%lld)", label_.c_str(), bar.c_str(),
               static_cast<long long>(percent), static_cast<long long>(done_),
               static_cast<long long>(total_));
  std::fflush(stderr);
}

// ---- registration helpers ----------------------------------------------------------------------

void on_run(CLI::App* cmd, Context& ctx, Runner& run, Access access, std::function<int()> body) {
  cmd->callback([&ctx, &run, access, body = std::move(body)] {
    ctx.access = access;
    run = body;
  });
}

void add_json_flag(CLI::App* cmd, Context& ctx) {
  cmd->add_flag("--json", ctx.as_json, "Print the result as one JSON document on stdout");
}

void set_help(CLI::App* cmd, const std::string& details, std::initializer_list<const char*> examples) {
  std::string footer = details.empty() ? "" : details + "\n\n";
  footer += "Options of every command, before or after it: --db FILE, -q/--quiet, -v/--verbose.\n\n";
  footer += "Examples:";
  for (const char* line : examples) footer += std::string("\n  ") + line;
  cmd->footer(footer);
}

// ---- output helpers ----------------------------------------------------------------------------

json to_json(const switchboard::Value& v) {
  switch (v.type()) {
    case switchboard::Value::Type::kNull:
      return nullptr;
    case switchboard::Value::Type::kInt:
      return v.as_int();
    case switchboard::Value::Type::kReal:
      return v.as_real();
    case switchboard::Value::Type::kText:
      return v.as_text();
  }
  return nullptr;
}

json to_json(const switchboard::Document& d) {
  json j = json::object();
  for (const auto& [field, value] : d) j[field] = to_json(value);
  return j;
}

std::string one_line(std::string s, std::size_t width) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > width) s = s.substr(0, width - 3) + "...";
  return s;
}

}  // namespace frontdesk
