#include "input.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "switchboard/error.h"

namespace frontdesk {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads JSON values one after another from `text`, keeping each value's exact bytes.
class ValueReader {
 public:
  explicit ValueReader(const std::string& text) : text_(text), in_(text) {}

  std::size_t pos() const { return pos_; }
  int line() const { return line_; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void advance(std::size_t n = 1) {
    for (std::size_t end = std::min(text_.size(), pos_ + n); pos_ < end; ++pos_)
      if (text_[pos_] == '\n') ++line_;
  }
  void skip_space() {
    while (!at_end() && is_space(text_[pos_])) advance();
  }
  // Parses one value at pos(); on success returns true and its bytes; else the error, and the
  // position moves to the start of the next line.
  bool next(std::string& value, std::string& error) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(pos_));
    json j;
    try {
      in_ >> j;
    } catch (const json::exception& e) {
      // A value broken on its first line (JSON Lines): resume on the next line. One spanning
      // several lines (pretty-printed): nothing after it can be trusted, so stop there.
      error = e.what();
      std::size_t eol = text_.find('\n', pos_);
      std::size_t at = pos_;
      if (const auto* pe = dynamic_cast<const json::parse_error*>(&e))
        at += pe->byte > 0 ? pe->byte - 1 : 0;
      if (eol == std::string::npos || at > eol) {
        if (eol != std::string::npos) error += " (the rest of the file is skipped)";
        advance(text_.size() - pos_);
      } else {
        advance(eol - pos_ + 1);
      }
      return false;
    }
    in_.clear(in_.rdstate() & ~std::ios::failbit);
    std::streamoff end = in_.eof() ? -1 : static_cast<std::streamoff>(in_.tellg());
    std::size_t stop = end < 0 ? text_.size() : static_cast<std::size_t>(end);
    value = text_.substr(pos_, stop - pos_);
    while (!value.empty() && is_space(value.back())) value.pop_back();
    advance(stop - pos_);
    return true;
  }

 private:
  const std::string& text_;
  std::istringstream in_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::string strip_bom(const std::string& text) {
  return text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
}

}  // namespace

std::vector<JsonRecord> split_json_records(const std::string& name, const std::string& raw) {
  const std::string text = strip_bom(raw);
  std::vector<JsonRecord> out;
  ValueReader r(text);
  r.skip_space();
  if (r.peek() == '[') {  // one array: its elements are the records
    r.advance();
    for (int n = 1;; ++n) {
      r.skip_space();
      if (r.peek() == ']') {
        r.advance();
        break;
      }
      std::string value, error;
      if (r.at_end() || !r.next(value, error)) {
        out.push_back({name, "", "not a valid JSON array: " + (error.empty() ? "unexpected end" : error)});
        return out;
      }
      out.push_back({name + "#" + std::to_string(n), value, ""});
      r.skip_space();
      if (r.peek() == ',') r.advance();
      else if (r.peek() != ']') {
        out.push_back({name, "", "not a valid JSON array: expected ',' or ']' on line " +
                                     std::to_string(r.line())});
        return out;
      }
    }
    r.skip_space();
    if (!r.at_end()) out.push_back({name, "", "unexpected text after the JSON array on line " +
                                                  std::to_string(r.line())});
    return out;
  }
  std::vector<JsonRecord> values;
  while (true) {
    r.skip_space();
    if (r.at_end()) break;
    int line = r.line();
    std::string value, error;
    if (r.next(value, error))
      values.push_back({name + ":" + std::to_string(line), value, ""});
    else
      values.push_back({name + ":" + std::to_string(line), "", error});
  }
  // One value (a pretty-printed file, or one line) is labelled by the file alone.
  if (values.size() == 1 && values[0].error.empty()) values[0].source = name;
  return values;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw switchboard::Error(switchboard::ErrorCode::kIo, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool has_extension(const std::string& path, const std::vector<std::string>& extensions) {
  std::string e = fs::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(extensions.begin(), extensions.end(), e) != extensions.end();
}

std::vector<JsonRecord> read_json_records(const std::string& path,
                                          const std::vector<std::string>& extensions) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return split_json_records("stdin", text);
  }
  fs::path p(path);
  if (fs::is_directory(p)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(p))
      if (entry.is_regular_file() && has_extension(entry.path().string(), extensions))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<JsonRecord> out;
    for (const auto& f : files) {
      auto records = split_json_records(f.filename().string(), read_file(f.string()));
      std::move(records.begin(), records.end(), std::back_inserter(out));
    }
    return out;
  }
  if (!fs::exists(p)) throw switchboard::NotFound("no such file or folder: " + path);
  return split_json_records(p.filename().string(), read_file(path));
}

}  // namespace frontdesk
