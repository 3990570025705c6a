// frontdesk input files as users have them: JSON records in JSON Lines, one JSON array, one
// (pretty-printed) JSON value or several in a row, or a folder of such files.
#pragma once

#include <string>
#include <vector>

namespace frontdesk {

/// One JSON record read from an input, or why it could not be read.
struct JsonRecord {
  std::string source;  // "calls.jsonl:6" (line), "calls.json#2" (array element), "call.json"
  std::string text;    // the record's exact bytes ("" when `error` is set)
  std::string error;   // "" when the record was read
};

/// The records of a file's text: the elements of a top-level array, else every JSON value in a
/// row (JSON Lines, one pretty-printed value, or several). A syntax error becomes an error
/// record and reading resumes on the next line. `name` labels the records.
std::vector<JsonRecord> split_json_records(const std::string& name, const std::string& text);

/// Reads `path`: a file (as split_json_records), "-" for stdin, or a folder whose files with
/// one of `extensions` (".json", ...) are read in name order. Throws NotFound when `path`
/// does not exist.
std::vector<JsonRecord> read_json_records(const std::string& path,
                                          const std::vector<std::string>& extensions);

/// A file's bytes. Throws switchboard::Error (io) when it cannot be read.
std::string read_file(const std::string& path);

/// Whether `path` ends with one of `extensions` (lowercase, with the dot), ignoring case.
bool has_extension(const std::string& path, const std::vector<std::string>& extensions);

}  // namespace frontdesk
