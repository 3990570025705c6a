// Raw RFC 5322 mail -> InboundEmail, with GMime doing all header, address, encoded-word, MIME
// and charset work; plus mbox splitting and delivery-status (RFC 3464) reports.
#include <mutex>
#include <string>
#include <vector>

#include "core/datetime.h"
#include "core/text.h"
#include "email/gmime_support.h"
#include "switchboard/email.h"
#include "switchboard/error.h"

namespace switchboard {
namespace gmime {

GMimeParserOptions* options() {
  static std::once_flag once;
  static GMimeParserOptions* opts = nullptr;
  std::call_once(once, [] {
    g_mime_init();
    opts = g_mime_parser_options_new();
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    const char* charsets[] = {"utf-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(opts, charsets);
  });
  return opts;
}

std::string take(char* s) {
  if (!s) return {};
  std::string out(s);
  g_free(s);
  return out;
}

bool is_dsn_report(GMimeContentType* ct) {
  if (!ct || !g_mime_content_type_is_type(ct, "multipart", "report")) return false;
  const char* type = g_mime_content_type_get_parameter(ct, "report-type");
  return type && (g_ascii_strcasecmp(type, "delivery-status") == 0 ||
                  g_ascii_strcasecmp(type, "global-delivery-status") == 0);
}

Ptr<GMimeStream> memory_stream(std::string_view bytes) {
  options();  // g_mime_init() before the first GMime object
  return Ptr<GMimeStream>(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
}

Ptr<GMimeMessage> parse_message(std::string_view bytes) {
  GMimeParserOptions* opts = options();
  auto stream = memory_stream(bytes);
  Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return Ptr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), opts));
}

BorrowedMessage::BorrowedMessage(std::string_view bytes) {
  GMimeParserOptions* opts = options();
  // The array points at the caller's bytes; the stream is told it does not own the array, and
  // the parser's parts are substreams of it: nothing copies the message.
  buffer_ = g_byte_array_new_take(reinterpret_cast<guint8*>(const_cast<char*>(bytes.data())),
                                  bytes.size());
  Ptr<GMimeStream> stream(g_mime_stream_mem_new_with_byte_array(buffer_));
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream.get()), FALSE);
  Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  message_.reset(g_mime_parser_construct_message(parser.get(), opts));
}

BorrowedMessage::~BorrowedMessage() {
  message_.reset();  // the last substreams of the buffer go with it
  gsize len = 0;
  g_byte_array_steal(buffer_, &len);  // the bytes are the caller's: never freed here
  g_byte_array_unref(buffer_);
}

std::string part_content(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return {};
  Ptr<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, out.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), bytes->len) : std::string();
}

}  // namespace gmime

namespace {

using gmime::Ptr;

// Every mailbox of a list (group members flattened), in order.
void collect_mailboxes(InternetAddressList* list, std::vector<Mailbox>& out, int depth = 0) {
  if (!list || depth > 4) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      collect_mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out,
                        depth + 1);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
      if (!addr || !*addr) continue;
      const char* name = internet_address_get_name(ia);
      out.push_back(Mailbox{name ? name : "", addr});
    }
  }
}

std::vector<std::string> addresses_of(InternetAddressList* list) {
  std::vector<Mailbox> boxes;
  collect_mailboxes(list, boxes);
  std::vector<std::string> out;
  out.reserve(boxes.size());
  for (auto& b : boxes) out.push_back(std::move(b.address));
  return out;
}

std::vector<std::string> parse_ids(const char* text) {
  std::vector<std::string> out;
  if (!text) return out;
  GMimeReferences* refs = g_mime_references_parse(gmime::options(), text);
  if (refs) {
    int n = g_mime_references_length(refs);
    for (int i = 0; i < n; ++i) {
      const char* id = g_mime_references_get_message_id(refs, i);
      if (id && *id) out.emplace_back(id);
    }
    g_mime_references_free(refs);
  }
  if (out.empty()) {  // an id without brackets: let GMime decode it as a lone Message-ID
    std::string id = gmime::take(g_mime_utils_decode_message_id(text));
    if (!id.empty() && id.find(' ') == std::string::npos) out.push_back(std::move(id));
  }
  return out;
}

bool is_type(GMimeObject* o, const char* type, const char* subtype) {
  GMimeContentType* ct = g_mime_object_get_content_type(o);
  return ct && g_mime_content_type_is_type(ct, type, subtype);
}

// What a walk over the MIME tree collects.
struct Walk {
  explicit Walk(const MailLimits& l) : limits(l), budget(l.max_bytes) {}
  const MailLimits& limits;
  std::size_t budget;  // decoded bytes still allowed
  std::size_t parts = 0;
  std::string omitted;
  std::string text, html;
  bool attachment = false;
  std::string original_message_id;  // of an embedded message/rfc822 or text/rfc822-headers
  std::string delivery_status;      // the message/delivery-status body
};

std::string message_id_of(GMimeMessage* m) {
  const char* id = m ? g_mime_message_get_message_id(m) : nullptr;
  return id ? id : "";
}

// Encoded size of a leaf part's content (an upper bound of its decoded size for base64 and
// quoted-printable; equal for the others), or -1 when unknown.
gint64 encoded_size(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  GMimeStream* stream = wrapper ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
  return stream ? g_mime_stream_length(stream) : -1;
}

// Whether a part of `o` fits the budget; takes its size from the budget when it does, else
// records why it was left out.
bool fits(GMimeObject* o, Walk& w) {
  gint64 size = encoded_size(GMIME_PART(o));
  if (size >= 0 && static_cast<std::size_t>(size) <= w.budget) {
    w.budget -= static_cast<std::size_t>(size);
    return true;
  }
  GMimeContentType* ct = g_mime_object_get_content_type(o);
  std::string type = ct ? gmime::take(g_mime_content_type_get_mime_type(ct)) : "a part";
  w.omitted += type + " part of " + std::to_string(size) + " bytes left out: over the " +
               std::to_string(w.limits.max_bytes) + "-byte limit\n";
  return false;
}

void walk(GMimeObject* o, Walk& w, int depth) {
  if (!o || depth > 24) return;
  if (++w.parts > w.limits.max_parts) {
    if (w.parts == w.limits.max_parts + 1)
      w.omitted += "parts after the first " + std::to_string(w.limits.max_parts) + " left out\n";
    return;
  }
  if (GMIME_IS_MULTIPART(o)) {
    GMimeMultipart* mp = GMIME_MULTIPART(o);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i), w, depth + 1);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(o)) {  // message/rfc822: an attached (or bounced) mail
    w.attachment = true;
    if (w.original_message_id.empty())
      w.original_message_id = message_id_of(g_mime_message_part_get_message(GMIME_MESSAGE_PART(o)));
    return;
  }
  if (!GMIME_IS_PART(o)) return;
  GMimePart* part = GMIME_PART(o);
  if (is_type(o, "message", "delivery-status") || is_type(o, "message", "global-delivery-status")) {
    if (w.delivery_status.empty() && fits(o, w)) w.delivery_status = gmime::part_content(part);
    return;
  }
  if (is_type(o, "text", "rfc822-headers") || is_type(o, "message", "global-headers")) {
    if (w.original_message_id.empty() && fits(o, w)) {
      auto inner = gmime::parse_message(gmime::part_content(part));
      w.original_message_id = message_id_of(inner.get());
    }
    return;
  }
  if (g_mime_part_is_attachment(part)) {
    w.attachment = true;
    return;
  }
  if (!GMIME_IS_TEXT_PART(o)) return;
  if (is_type(o, "text", "plain") && w.text.empty() && fits(o, w))
    w.text = gmime::take(g_mime_text_part_get_text(GMIME_TEXT_PART(o)));
  else if (is_type(o, "text", "html") && w.html.empty() && fits(o, w))
    w.html = gmime::take(g_mime_text_part_get_text(GMIME_TEXT_PART(o)));
}

// RFC 3464 fields: a per-message block then per-recipient blocks, each shaped like a header.
// GMime parses each block as the headers of a part whose content is the remaining blocks.
void read_delivery_status(std::string text, BounceReport& report) {
  for (int block = 0; block < 32 && !text.empty(); ++block) {
    auto stream = gmime::memory_stream(text);
    Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    Ptr<GMimeObject> part(g_mime_parser_construct_part(parser.get(), gmime::options()));
    if (!part) break;
    auto field = [&](const char* name) {
      const char* v = g_mime_object_get_header(part.get(), name);
      return v ? text::trim(v) : std::string();
    };
    std::string recipient = field("Final-Recipient");
    if (!recipient.empty() && report.final_recipient.empty()) {
      auto semi = recipient.find(';');  // "rfc822; user@example.com"
      report.final_recipient = text::trim(
          semi == std::string::npos ? recipient : recipient.substr(semi + 1));
      report.action = text::lower_ascii(field("Action"));
      std::string status = field("Status");
      report.status = status.substr(0, status.find_first_of(" \t("));
    }
    if (!GMIME_IS_PART(part.get())) break;
    std::string rest = gmime::part_content(GMIME_PART(part.get()));
    if (rest.size() >= text.size()) break;  // no progress
    text = std::move(rest);
  }
}

// The Date header's instant (GMime reads RFC 5322 dates) in Frappe's local time.
std::string local_datetime(GDateTime* date) {
  return date ? dates::frappe_local(g_date_time_to_unix(date)) : std::string();
}

// GMime decodes declared charsets (RFC 2047, Content-Type) and tries UTF-8 then
// windows-1252 for undeclared 8-bit text; what is still not UTF-8 (raw ids, header names,
// broken encodings) gets U+FFFD, so every field reads as text in any language binding.
void make_utf8(InboundEmail& e) {
  auto fix = [](std::string& s) {
    if (!text::is_valid_utf8(s)) s = text::valid_utf8(s);
  };
  for (std::string* s : {&e.message_id, &e.sender, &e.sender_full_name, &e.reply_to, &e.subject,
                         &e.in_reply_to, &e.content, &e.text_content, &e.date,
                         &e.bounce.original_message_id, &e.bounce.final_recipient,
                         &e.bounce.action, &e.bounce.status})
    fix(*s);
  for (auto* list : {&e.to, &e.cc, &e.delivered_to, &e.references})
    for (auto& s : *list) fix(s);
  for (auto& [name, value] : e.headers) {
    fix(name);
    fix(value);
  }
}

InboundEmail convert(GMimeMessage* msg, std::string_view raw, std::string_view account,
                     const MailLimits& limits) {
  InboundEmail e;
  e.email_account = std::string(account);
  GMimeObject* obj = GMIME_OBJECT(msg);
  GMimeHeaderList* headers = g_mime_object_get_header_list(obj);
  int count = headers ? g_mime_header_list_get_count(headers) : 0;
  const char* references_raw = nullptr;
  const char* in_reply_to_raw = nullptr;
  for (int i = 0; i < count; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);
    const char* name = g_mime_header_get_name(h);
    const char* value = g_mime_header_get_value(h);
    if (!name) continue;
    std::string n(name);
    std::string v = text::trim(value ? value : "");
    if (g_ascii_strcasecmp(name, "Delivered-To") == 0 ||
        g_ascii_strcasecmp(name, "X-Original-To") == 0) {
      for (auto& m : parse_address_list(v)) e.delivered_to.push_back(std::move(m.address));
    } else if (g_ascii_strcasecmp(name, "References") == 0 && !references_raw) {
      references_raw = g_mime_header_get_raw_value(h);
    } else if (g_ascii_strcasecmp(name, "In-Reply-To") == 0 && !in_reply_to_raw) {
      in_reply_to_raw = g_mime_header_get_raw_value(h);
    }
    e.headers.emplace_back(std::move(n), std::move(v));
  }
  if (e.headers.empty()) throw ParseError("not an RFC 5322 message: no header fields");

  std::vector<Mailbox> from;
  collect_mailboxes(g_mime_message_get_from(msg), from);
  if (from.empty()) collect_mailboxes(g_mime_message_get_sender(msg), from);
  if (!from.empty()) {
    e.sender = from.front().address;
    e.sender_full_name = text::trim(from.front().name);
  }
  std::vector<std::string> reply_to = addresses_of(g_mime_message_get_reply_to(msg));
  for (const auto& a : reply_to) e.reply_to += (e.reply_to.empty() ? "" : ", ") + a;
  e.to = addresses_of(g_mime_message_get_to(msg));
  e.cc = addresses_of(g_mime_message_get_cc(msg));
  const char* subject = g_mime_message_get_subject(msg);
  e.subject = text::collapse_spaces(subject ? subject : "");
  e.message_id = message_id_of(msg);
  auto parents = parse_ids(in_reply_to_raw);
  if (!parents.empty()) e.in_reply_to = parents.front();
  e.references = parse_ids(references_raw);
  GDateTime* date = g_mime_message_get_date(msg);
  e.date = local_datetime(date);
  if (date) e.date_unix = g_date_time_to_unix(date);

  Walk w(limits);
  walk(g_mime_message_get_mime_part(msg), w, 0);
  if (!w.omitted.empty()) w.omitted.pop_back();
  e.omitted = std::move(w.omitted);
  e.text_content = std::move(w.text);
  e.content = w.html.empty() ? e.text_content : std::move(w.html);
  e.has_attachment = w.attachment;
  GMimeObject* top = g_mime_message_get_mime_part(msg);
  e.bounce.dsn = top && gmime::is_dsn_report(g_mime_object_get_content_type(top));
  if (e.bounce.dsn || !w.delivery_status.empty()) {
    e.bounce.original_message_id = w.original_message_id;
    read_delivery_status(std::move(w.delivery_status), e.bounce);
  }
  if (e.message_id.empty()) {
    e.message_id = synthetic_message_id_for(raw, e.sender);
    e.synthetic_message_id = true;
  }
  make_utf8(e);
  return e;
}

// GMime builds every part of a message before any is looked at: a mail of millions of tiny
// parts would take gigabytes, and glib aborts when an allocation fails. A part can only begin
// at a line starting with "--", so the message is parsed up to the line past this many of
// them; the parts that count (max_parts) and their nesting come well before it.
std::size_t boundary_line_cap(const MailLimits& limits) { return 4 * limits.max_parts + 1000; }

// `raw` up to its (cap + 1)-th line starting with "--", or all of it.
std::string_view up_to_boundary_lines(std::string_view raw, std::size_t cap) {
  std::size_t lines = 0;
  for (std::size_t at = 0; at < raw.size();) {
    if (raw.compare(at, 2, "--") == 0 && ++lines > cap) return raw.substr(0, at);
    const std::size_t end = raw.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return raw;
}

}  // namespace

InboundEmail InboundEmail::from_rfc822(std::string_view raw, std::string_view email_account,
                                       const MailLimits& limits) {
  const std::size_t cap = boundary_line_cap(limits);
  const std::string_view parsed = up_to_boundary_lines(raw, cap);
  gmime::BorrowedMessage msg(parsed);
  if (!msg.get()) throw ParseError("not an RFC 5322 message: no header fields", 0);
  InboundEmail e = convert(msg.get(), raw, email_account, limits);
  if (parsed.size() < raw.size()) {
    if (!e.omitted.empty()) e.omitted += '\n';
    e.omitted += "the message after its first " + std::to_string(cap) +
                 " lines starting with \"--\" left out (" + std::to_string(raw.size() - parsed.size()) +
                 " bytes)";
  }
  return e;
}

std::vector<InboundEmail> parse_mbox(std::string_view mbox, std::string_view email_account) {
  GMimeParserOptions* opts = gmime::options();
  auto stream = gmime::memory_stream(mbox);
  Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MBOX);
  std::vector<InboundEmail> out;
  while (!g_mime_parser_eos(parser.get())) {
    Ptr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), opts));
    if (!msg) break;
    gint64 begin = g_mime_parser_get_headers_begin(parser.get());
    gint64 end = g_mime_parser_tell(parser.get());
    std::string_view raw;
    if (begin >= 0 && end > begin && static_cast<std::size_t>(end) <= mbox.size())
      raw = mbox.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin));
    try {
      out.push_back(convert(msg.get(), raw, email_account, MailLimits{}));
    } catch (const ParseError&) {
      // a separator followed by no header fields: nothing to route
    }
  }
  if (out.empty()) throw ParseError("not an mbox file: no message found");
  return out;
}

std::vector<Mailbox> parse_address_list(std::string_view value) {
  std::vector<Mailbox> out;
  if (value.empty()) return out;
  std::string text(value);
  InternetAddressList* list = internet_address_list_parse(gmime::options(), text.c_str());
  if (!list) return out;
  collect_mailboxes(list, out);
  g_object_unref(list);
  return out;
}

std::string synthetic_message_id_for(std::string_view bytes, std::string_view sender) {
  std::string hex = gmime::take(g_compute_checksum_for_data(
      G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(bytes.data()), bytes.size()));
  std::string domain = parse_email_address(sender).domain;
  if (domain.empty()) domain = "switchboard.invalid";
  return "sb-" + hex.substr(0, 32) + "@" + domain;
}

}  // namespace switchboard
