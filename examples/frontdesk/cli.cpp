#include "cli.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace frontdesk {

switchboard::Store& Context::store() { return *store_ptr(); }

std::shared_ptr<switchboard::Store> Context::store_ptr() {
  if (store_) return store_;
  store_ = switchboard::open_store(db);
  if (!site_file.empty()) {
    std::ifstream in(site_file, std::ios::binary);
    if (!in) throw switchboard::NotFound("site file '" + site_file + "' cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    switchboard::save_site_config(*store_, switchboard::SiteConfig::from_json(text.str()));
  }
  return store_;
}

std::string Context::db_label() const { return switchboard::describe_database(db); }

void Context::say(const std::string& line) const {
  if (!quiet) std::cout << line << '\n';
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
}

void ProgressBar::draw(bool final_draw) {
  std::int64_t percent = total_ ? done_ * 100 / total_ : 100;
  if (percent == last_percent_ && !final_draw) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(percent * kWidth / 100);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %3lld%% (%lld/%lld)", label_.c_str(), bar.c_str(),
               static_cast<long long>(percent), static_cast<long long>(done_),
               static_cast<long long>(total_));
  std::fflush(stderr);
}

}  // namespace frontdesk
