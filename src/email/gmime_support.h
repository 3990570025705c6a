// Private GMime/GLib helpers for src/email: one-time initialization, RAII holders, and the
// parser options every parse uses. Never included from include/.
#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <string>
#include <string_view>

namespace switchboard::gmime {

/// Calls g_mime_init() once per process (std::call_once) and builds the shared parser
/// options (loose RFC compliance, UTF-8 then windows-1252 for undeclared 8-bit text).
/// Thread-safe; every entry point of src/email that touches GMime calls it first.
GMimeParserOptions* options();

template <typename T>
struct Unref {
  void operator()(T* p) const noexcept {
    if (p) g_object_unref(p);
  }
};
/// Owns one reference of a GObject.
template <typename T>
using Ptr = std::unique_ptr<T, Unref<T>>;

/// Takes ownership of a g_malloc'ed string and returns it as std::string ("" for null).
std::string take(char* s);
/// A memory stream holding a copy of `bytes`.
Ptr<GMimeStream> memory_stream(std::string_view bytes);
/// A message parsed from memory the caller keeps: no copy of the bytes is made, so `bytes`
/// must outlive it. Holds the message (null when GMime found none) and releases the
/// borrowed buffer after it.
class BorrowedMessage {
 public:
  explicit BorrowedMessage(std::string_view bytes);
  ~BorrowedMessage();
  BorrowedMessage(const BorrowedMessage&) = delete;
  BorrowedMessage& operator=(const BorrowedMessage&) = delete;
  GMimeMessage* get() const noexcept { return message_.get(); }

 private:
  GByteArray* buffer_;
  Ptr<GMimeMessage> message_;
};
/// Parses `bytes` as one message; nullptr when GMime finds none.
Ptr<GMimeMessage> parse_message(std::string_view bytes);
/// Whether `ct` is a delivery-status report (multipart/report; report-type=delivery-status
/// or global-delivery-status, any case).
bool is_dsn_report(GMimeContentType* ct);
/// The decoded content (transfer encoding removed) of a leaf part.
std::string part_content(GMimePart* part);

}  // namespace switchboard::gmime
