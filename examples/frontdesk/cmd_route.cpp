// frontdesk route: route mail (.eml files, folders of them, Maildir folders, mbox files, JSON
// Lines of InboundEmail fields) into the store, printing where each mail went and why; and the
// routing part of `frontdesk demo`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.h"
#include "input.h"

namespace frontdesk {
namespace {

namespace fs = std::filesystem;
using switchboard::InboundEmail;
using switchboard::RouteResult;

// One mail to route, or why it could not be read.
struct Item {
  std::string label;
  std::optional<InboundEmail> mail;
  std::string error;
  std::string raw;  // kept for --quarantine
};

const std::vector<std::string> kJsonFiles = {".jsonl", ".ndjson", ".json"};
const std::vector<std::string> kMailFiles = {".eml", ".mbox", ".mbx", ".jsonl", ".ndjson", ".json"};

void load_json(const std::string& name, const std::string& bytes, const std::string& account,
               std::vector<Item>& out) {
  for (auto& rec : split_json_records(name, bytes)) {
    Item item{rec.source, std::nullopt, rec.error, rec.text};
    if (item.error.empty()) {
      try {
        item.mail = InboundEmail::from_json(rec.text);
        if (item.mail->email_account.empty()) item.mail->email_account = account;
      } catch (const switchboard::Error& e) {
        item.error = e.what();
      }
    }
    out.push_back(std::move(item));
  }
}

// One file's mails: JSON records, an mbox, or one raw message.
void load_bytes(const std::string& name, const std::string& bytes, bool json_file,
                const std::string& account, std::vector<Item>& out) {
  if (json_file) return load_json(name, bytes, account, out);
  if (has_extension(name, {".mbox", ".mbx"}) || bytes.rfind("From ", 0) == 0) {
    try {
      int n = 0;
      for (auto& m : switchboard::parse_mbox(bytes, account))
        out.push_back(Item{fmt::format("{}#{}", name, ++n), std::move(m), {}, {}});
    } catch (const switchboard::Error& e) {
      out.push_back(Item{name, std::nullopt, e.what(), bytes});
    }
    return;
  }
  Item item{name, std::nullopt, {}, bytes};
  try {
    item.mail = InboundEmail::from_rfc822(bytes, account);
  } catch (const switchboard::Error& e) {
    item.error = e.what();
  }
  out.push_back(std::move(item));
}

void load_file(const fs::path& p, const std::string& label, const std::string& account,
               std::vector<Item>& out) {
  load_bytes(label, read_file(p.string()), has_extension(p.string(), kJsonFiles), account, out);
}

bool is_maildir(const fs::path& p) {
  return fs::is_directory(p / "cur") && fs::is_directory(p / "new");
}

std::vector<fs::path> sorted_files(const fs::path& dir, const std::vector<std::string>* extensions) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.' &&
        (!extensions || has_extension(entry.path().string(), *extensions)))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Item> load(const std::vector<std::string>& paths, const std::string& account) {
  std::vector<Item> items;
  for (const auto& path : paths) {
    fs::path p(path);
    if (path == "-") {
      std::string bytes((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      std::size_t first = bytes.find_first_not_of(" \t\r\n");
      bool json_input = first != std::string::npos && (bytes[first] == '{' || bytes[first] == '[');
      load_bytes("stdin", bytes, json_input, account, items);
    } else if (is_maildir(p)) {
      // Maildir: delivered mail in new/ and cur/; names start with the delivery time.
      std::string name = p.filename().empty() ? p.parent_path().filename().string() : p.filename().string();
      for (const char* sub : {"new", "cur"})
        for (const auto& f : sorted_files(p / sub, nullptr))
          load_file(f, name + "/" + sub + "/" + f.filename().string(), account, items);
    } else if (fs::is_directory(p)) {
      for (const auto& f : sorted_files(p, &kMailFiles))
        load_file(f, f.filename().string(), account, items);
    } else if (fs::exists(p)) {
      load_file(p, p.filename().string(), account, items);
    } else {
      throw switchboard::NotFound("no such file or folder: " + path);
    }
  }
  return items;
}

std::string where(const RouteResult& r) {
  return r.name.empty() ? r.doctype + (r.doctype.empty() ? "" : " (new)") : r.doctype + " " + r.name;
}

void quarantine(const fs::path& dir, const Item& item) {
  fs::create_directories(dir);
  std::string base = item.label;
  std::replace(base.begin(), base.end(), '/', '_');
  std::ofstream(dir / (base + (has_extension(base, {".eml"}) ? "" : ".eml")), std::ios::binary) << item.raw;
  std::ofstream(dir / (base + ".reason")) << item.error << "\n";
}

struct Options {
  std::vector<std::string> paths;
  std::string account = "Inbox";
  std::string rules_file;
  std::string quarantine_dir;
  int batch = 200;
  bool dry_run = false;
};

int run_route(Context& ctx, const Options& o) {
  switchboard::RoutingRules rules;
  if (!o.rules_file.empty()) rules = switchboard::RoutingRules::from_json(read_file(o.rules_file));
  std::vector<Item> items = load(o.paths, o.account);
  if (items.empty()) {
    std::fprintf(stderr, "frontdesk route: no mail found\n");
    return kDataError;
  }
  switchboard::Router router(ctx.store_ptr(), rules);
  ProgressBar bar(o.dry_run ? "planning" : "routing", static_cast<std::int64_t>(items.size()),
                  ctx.progress());
  // --dry-run: every mail is routed inside one transaction that is rolled back at the end, so
  // each decision sees the records the mails before it created, exactly as a real run would.
  std::optional<switchboard::Transaction> scratch;
  if (o.dry_run) scratch.emplace(ctx.store());
  std::map<std::string, int> by_action, by_reason;
  json mails = json::array();
  int failures = 0;
  std::size_t width = 0;
  for (const auto& item : items) width = std::max(width, item.label.size());
  width = std::min<std::size_t>(width, 48);
  // One transaction per batch of mails, each mail its own savepoint (Router::route_many): the
  // decisions of routing them one at a time; a failing mail rolls back alone.
  auto report = [&](const Item& item, const RouteResult& r) {
    ++by_action[r.action];
    ++by_reason[r.reason];
    if (r.reason == "error") ++failures;
    if (ctx.as_json) {
      json j = json::parse(r.to_json());
      j["source"] = item.label;
      mails.push_back(std::move(j));
      return;
    }
    std::string line = fmt::format("{:<{}}  {:<13}  {:<28}  {}", item.label, width, r.action, where(r), r.reason);
    if (!r.alias_tag.empty()) line += " (tag " + r.alias_tag + ")";
    if (!r.merged_from.empty()) line += " (merged from " + r.merged_from + ")";
    if (r.reopened) line += " (reopened)";
    if (!r.error.empty()) line += ": " + r.error;
    ctx.say(line);
  };
  const std::size_t batch_size = static_cast<std::size_t>(o.batch);
  for (std::size_t start = 0; start < items.size(); start += batch_size) {
    std::size_t end = std::min(items.size(), start + batch_size);
    std::vector<InboundEmail> batch;
    for (std::size_t i = start; i < end; ++i)
      if (items[i].mail) batch.push_back(*items[i].mail);
    std::vector<RouteResult> results = router.route_many(batch);
    std::size_t k = 0;
    for (std::size_t i = start; i < end; ++i) {
      const Item& item = items[i];
      bar.tick();
      if (item.mail) {
        report(item, results[k++]);
        continue;
      }
      ++failures;
      ++by_action["unreadable"];
      ++by_reason["unparseable"];
      if (!o.quarantine_dir.empty()) quarantine(o.quarantine_dir, item);
      if (ctx.as_json)
        mails.push_back({{"source", item.label}, {"action", "unreadable"}, {"error", item.error}});
      ctx.say(fmt::format("{:<{}}  unreadable     {}", item.label, width, item.error));
    }
  }
  bar.finish();
  if (ctx.as_json) {
    ctx.print_json({{"dry_run", o.dry_run}, {"mails", mails}, {"by_action", by_action},
                    {"by_reason", by_reason}, {"failed", failures}});
  } else {
    auto join = [](const std::map<std::string, int>& m) {
      std::string s;
      for (const auto& [k, n] : m) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", n, k);
      return s;
    };
    ctx.say(fmt::format("{} {} mails{}: {}", o.dry_run ? "planned" : "routed", items.size(),
                        o.dry_run ? " (dry run: nothing written)" : "", join(by_action)));
    ctx.say("by reason: " + join(by_reason));
  }
  return failures ? kFailed : kOk;
}

// ---- demo ---------------------------------------------------------------------------------------

// A small mailbox written for the demo: each step is one raw mail, or (agent) our own reply.
struct DemoStep {
  const char* what;
  const char* raw;  // nullptr: the agent answers the last ticket with Message-ID `agent_id`
};

constexpr const char* kAgentId = "agent-reply-demo-1@cozycornerpatios.com";

const DemoStep kDemo[] = {
    {"a new customer writes to support@",
     "From: =?UTF-8?Q?Mar=C3=ADa_Garc=C3=ADa?= <Maria.Garcia@gmail.com>\n"
     "To: support@cozycornerpatios.com\nSubject: Cushion covers faded after one month\n"
     "Message-ID: <demo-1@mail.gmail.com>\nDate: Mon, 3 Mar 2025 15:13:52 +0100\n\n"
     "The covers of my lounge set faded after a month.\n"},
    {"the agent answers (our outgoing mail, stored as Sent)", nullptr},
    {"she replies to the agent (In-Reply-To)",
     "From: maria.garcia@gmail.com\nTo: support@cozycornerpatios.com\n"
     "Subject: Re: Cushion covers faded after one month\nMessage-ID: <demo-2@mail.gmail.com>\n"
     "In-Reply-To: <agent-reply-demo-1@cozycornerpatios.com>\n"
     "References: <demo-1@mail.gmail.com> <agent-reply-demo-1@cozycornerpatios.com>\n\nPhotos attached.\n"},
    {"the same mail arrives again through a second mailbox",
     "From: maria.garcia@gmail.com\nTo: support@cozycornerpatios.com\nDelivered-To: sales@cozycornerpatios.com\n"
     "Subject: Re: Cushion covers faded after one month\nMessage-ID: <demo-2@mail.gmail.com>\n\nPhotos attached.\n"},
    {"her out-of-office answers the agent",
     "From: maria.garcia@gmail.com\nTo: support@cozycornerpatios.com\n"
     "Subject: Automatic reply: Cushion covers\nMessage-ID: <demo-3@mail.gmail.com>\n"
     "In-Reply-To: <agent-reply-demo-1@cozycornerpatios.com>\nAuto-Submitted: auto-replied\n\nAway.\n"},
    {"she forwards the thread to sales@ for a quote",
     "From: maria.garcia@gmail.com\nTo: sales@cozycornerpatios.com\nCc: support@cozycornerpatios.com\n"
     "Subject: Fwd: Cushion covers faded after one month\nMessage-ID: <demo-4@mail.gmail.com>\n"
     "References: <demo-1@mail.gmail.com>\n\nAnd a quote for a second set, please.\n"},
    {"a sales inquiry with an encoded name",
     "From: =?UTF-8?B?SsO8cmdlbiBXZWnDnw==?= <jw@weiss-example.de>\nTo: sales@zipcushions.com\n"
     "Subject: =?ISO-8859-1?Q?Anfrage:_Gartenm=F6bel?=\nMessage-ID: <demo-5@weiss-example.de>\n\nAngebot?\n"},
    {"a plus-addressed mail to support+returns@",
     "From: \"O'Brien, Sean\" <sean@example.ie>\nTo: support+returns@zipcushions.com\n"
     "Subject: Return label\nMessage-ID: <demo-6@example.ie>\n\nPlease send a label.\n"},
    {"the agent's mail to an old address bounces (DSN)",
     "From: MAILER-DAEMON@mx.example.net\nTo: support@cozycornerpatios.com\n"
     "Subject: Undelivered Mail Returned to Sender\nMessage-ID: <demo-7@mx.example.net>\nMIME-Version: 1.0\n"
     "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
     "--b\nContent-Type: text/plain\n\nUser unknown\n"
     "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
     "Final-Recipient: rfc822; maria.old@example.net\nAction: failed\nStatus: 5.1.1\n"
     "--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <agent-reply-demo-1@cozycornerpatios.com>\n"
     "--b--\n"},
    {"a newsletter",
     "From: Outdoor Trade Weekly <news@trade.example>\nTo: support@zipcushions.com\nSubject: Spring trends\n"
     "Message-ID: <demo-8@trade.example>\nList-Id: <weekly.trade.example>\nPrecedence: bulk\n\nNews.\n"},
    {"a shipping notice from no-reply@",
     "From: no-reply@tracking.example\nTo: support@cozycornerpatios.com\nSubject: Out for delivery\n"
     "Message-ID: <demo-9@tracking.example>\n\nOn its way.\n"},
    {"a blocked sender",
     "From: admin@example.com\nTo: support@cozycornerpatios.com\nSubject: test\nMessage-ID: <demo-10@example.com>\n\nx\n"},
    {"a colleague writes internally",
     "From: sam@zipcushions.com\nTo: support@zipcushions.com\nSubject: handover\nMessage-ID: <demo-11@zipcushions.com>\n\nx\n"},
    {"Jane, who has an open ticket, writes to info@ about something else: her lead",
     "From: Jane Doe <jane@example.com>\nTo: info@cozycornerpatios.com\nSubject: Catalogue?\n"
     "Message-ID: <demo-13@example.com>\n\nAlso, do you have a catalogue?\n"},
    {"... and to info@ about her ticket (its subject): the ticket",
     "From: Jane Doe <jane@example.com>\nTo: info@cozycornerpatios.com\n"
     "Subject: Re: Where is my order?\nMessage-ID: <demo-14@example.com>\n\nAny news?\n"},
    {"a new customer writes to an address that is no alias",
     "From: Lars Eriksson <lars@example.se>\nTo: hello@zipcushions.com\nSubject: SV: Fråga\n"
     "Message-ID: <demo-12@example.se>\n\nHej!\n"},
};

}  // namespace

void add_routing_commands(CLI::App& app, Context& ctx, Runner& run) {
  static Options o;
  auto* route = app.add_subcommand("route", "Route mail to tickets and leads");
  route->add_option("inputs", o.paths, "Files or folders to route, in order")->required();
  route->add_option("--account", o.account, "Email Account the mails arrived through (default Inbox)");
  route->add_option("--rules", o.rules_file, "RoutingRules as a JSON file (default: the built-in rules)")
      ->check(CLI::ExistingFile);
  route->add_flag("--dry-run", o.dry_run,
                  "Route everything in one transaction and roll it back: the decisions of a real "
                  "run (later mails see the records earlier ones created), nothing written");
  route->add_option("--batch", o.batch,
                    "Mails per transaction (each mail its own savepoint: a failing mail rolls back "
                    "alone)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  add_json_flag(route, ctx);
  route->add_option("--quarantine", o.quarantine_dir,
                    "Copy unreadable mails here (raw bytes plus a .reason file) for replay");
  set_help(route,
           "Inputs: .eml files, folders of them, Maildir folders (new/ and cur/), mbox files,\n"
           "JSON Lines (or JSON) files of InboundEmail fields, or - for stdin. Prints, for each\n"
           "mail, the action, the record and the reason, then a summary by action and by reason.\n"
           "Exit 1 when a mail failed or was unreadable; the others are routed.",
           {"frontdesk route tests/data/routing/mailbox",
                       "frontdesk route ~/Maildir --dry-run",
                       "frontdesk route inbox.mbox --account Support --json",
                       "frontdesk route mails.jsonl --quarantine rejected/"});
  on_run(route, ctx, run, Access::kWrite, [&ctx] { return run_route(ctx, o); });
}

void demo_routing(Context& ctx) {
  auto& store = ctx.store();
  ctx.say("== email routing: a small mailbox, routed with the seed's rules (switchboard::Router)");
  switchboard::Router router(ctx.store_ptr());
  std::string last_ticket;
  int n = 0;
  for (const auto& step : kDemo) {
    if (!step.raw) {
      if (last_ticket.empty()) continue;
      store.insert("Communication", {{"message_id", kAgentId},
                                     {"sent_or_received", "Sent"},
                                     {"subject", "Re: Cushion covers faded after one month"},
                                     {"sender", "support@cozycornerpatios.com"},
                                     {"reference_doctype", "HD Ticket"},
                                     {"reference_name", last_ticket}});
      ctx.say(fmt::format("      (the agent answers HD Ticket {} from support@)", last_ticket));
      continue;
    }
    RouteResult r = router.route(InboundEmail::from_rfc822(step.raw, "Support"));
    if (r.action == "create_ticket") last_ticket = r.name;
    std::string detail;
    if (!r.alias.empty()) detail += " alias " + r.alias + (r.alias_tag.empty() ? "" : " tag " + r.alias_tag);
    if (!r.bounce_recipient.empty()) detail += " failed " + r.bounce_recipient + " " + r.bounce_status;
    ctx.say(fmt::format("  {:>2}. {}", ++n, step.what));
    std::string record = where(r);
    ctx.say(fmt::format("      {} -> {}{} (reason {}{}){}", r.sender.empty() ? "?" : r.sender, r.action,
                        record.empty() ? "" : " " + record, r.reason,
                        r.match.empty() || r.match == r.reason ? "" : ", matched by " + r.match, detail));
  }
  ctx.say(fmt::format("Error Log now holds {} 'Route: ...' entries (sender and subject only, never a body)",
                      store.count("Error Log", {switchboard::Filter("method", switchboard::Op::kLike,
                                                                    switchboard::Value("Route:%"))})));
  ctx.say("Route a mailbox yourself: frontdesk route tests/data/routing/mailbox");
  ctx.say("");
}

}  // namespace frontdesk
