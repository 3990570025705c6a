// Order history and transfers on SqliteStore, each against baselines measured in the same run
// on identical files. Prints a markdown table.
//
//   sync_order_history: a customer with 500 Sales Orders of 5 items, one Work Order per item
//     (2,500 rows replaced on a ticket that already has them). Baselines, on the same store:
//     - the original scripts' per-step approach: per order a query for its Work Orders and one for its
//       items, per item a query for its Work Orders, one insert per row (one transaction);
//     - raw store writes: only the removal and the 2,500 inserts, documents prebuilt.
//   transfer_lead_to_ticket: a lead with 200 emails, each with 2 File attachments (200
//     copies, 400 File rows, the originals deleted). Baselines, on copies of the same file:
//     - the original scripts' per-step approach: get each Communication, insert its copy and copy its
//       Files, committing after every step as the original scripts do;
//     - raw store writes: the same inserts and deletes with prebuilt documents, one transaction.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "switchboard/switchboard.h"

namespace {

using namespace switchboard;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kOrders = 500;
constexpr int kItemsPerOrder = 5;
constexpr int kEmails = 200;
constexpr int kFilesPerEmail = 2;
constexpr int kRounds = 9;

double seconds(const std::function<void()>& fn) {
  auto t0 = Clock::now();
  fn();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "check failed: %s\n", what);
    std::exit(1);
  }
}

// Counts the reads that reach the backend (each is a round trip on a Frappe backend).
class ReadCounter : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::int64_t reads = 0;

  std::optional<Document> get(std::string_view doctype, std::string_view name) override {
    ++reads;
    return ForwardingBackend::get(doctype, name);
  }
  std::vector<Document> find(std::string_view doctype, const Query& query) override {
    ++reads;
    return ForwardingBackend::find(doctype, query);
  }
  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    ++reads;
    return ForwardingBackend::count(doctype, filters);
  }
};

// ---- order history ------------------------------------------------------------------------

std::string build_shop(Store& s) {
  static const char* kStatuses[] = {"DONE", "WIP", "NEW", "BLOCKED_OPS", "QA REWORK", "Completed"};
  Transaction tx(s);
  s.insert("Customer", {{"customer_name", "John Doe"}});
  for (int o = 0; o < 40; ++o)
    s.insert("Customer", {{"customer_name", "Other " + std::to_string(o)}});
  for (int o = 0; o < kOrders; ++o) {
    std::vector<Document> items;
    for (int i = 0; i < kItemsPerOrder; ++i)
      items.push_back({{"item_code", "ITEM-" + std::to_string(i)},
                       {"item_name", "Item"},
                       {"qty", 1 + i},
                       {"rate", 10.0 * (i + 1)}});
    char date[16];
    std::snprintf(date, sizeof date, "2025-%02d-%02d", 1 + o % 12, 1 + o % 28);
    std::string so = s.insert("Sales Order",
                              {{"customer", "John Doe"},
                               {"transaction_date", date},
                               {"docstatus", 1},
                               {"status", "To Deliver"},
                               {"net_total", 150.0}},
                              {{"items", items}});
    int i = 0;
    for (const auto& row :
         s.find("Sales Order Item", Query{Filter("parent", Value(so))}.order("idx"))) {
      s.insert("Work Order", {{"sales_order", so},
                              {"sales_order_item", row.name()},
                              {"production_item", row.text("item_code")},
                              {"docstatus", 1},
                              {"custom_production_status", kStatuses[(o + i) % 6]},
                              {"custom_ingredients_status", "Available"},
                              {"custom_qa_status", "Passed"},
                              {"custom_ops_status", "Scheduled"}});
      ++i;
    }
  }
  std::string ticket = s.insert("HD Ticket", {{"subject", "Where is my order?"}});
  tx.commit();
  return ticket;
}

Filters history_of(const std::string& ticket) {
  return {Filter("parent", Value(ticket)), Filter("parenttype", "HD Ticket"),
          Filter("parentfield", "custom_order_history")};
}

std::optional<std::string> opt_text(const Document& d, const char* f) {
  return d.has(f) ? std::optional<std::string>(d.text(f)) : std::nullopt;
}

// The original scripts' loop, on the same store: queries per order and per item, a write per row.
void original_style_sync(Store& s, const std::string& ticket) {
  Transaction tx(s);
  s.remove_where("Order History", history_of(ticket));
  auto customers =
      s.find("Customer", Query{Filter("customer_name", Op::kLike, "john doe")}.select({"name"}));
  std::int64_t idx = 0;
  for (const auto& c : customers) {
    auto orders =
        s.find("Sales Order",
               Query{Filter("customer", c.get("name")), Filter("docstatus", Op::kNe, 2)}.order(
                   "transaction_date desc, name desc"));
    for (const auto& so : orders) {
      std::vector<std::optional<std::string>> all;
      for (const auto& wo : s.find("Work Order", Query{Filter("sales_order", so.get("name"))}))
        all.push_back(opt_text(wo, "custom_production_status"));
      std::string aggregate = aggregate_production_status(all);
      for (const auto& item :
           s.find("Sales Order Item", Query{Filter("parent", so.get("name"))}.order("idx"))) {
        auto wos = s.find("Work Order", Query{Filter("sales_order", so.get("name")),
                                              Filter("sales_order_item", item.get("name"))});
        auto status = [&](const char* f) {
          std::vector<std::optional<std::string>> v;
          for (const auto& wo : wos) v.push_back(opt_text(wo, f));
          return wos.empty() ? Value() : Value(aggregate_production_status(v));
        };
        s.insert("Order History",
                 {{"parent", ticket},
                  {"parenttype", "HD Ticket"},
                  {"parentfield", "custom_order_history"},
                  {"idx", ++idx},
                  {"sales_order", so.get("name")},
                  {"sales_order_item", item.get("name")},
                  {"order_date", so.get("transaction_date")},
                  {"item_code", item.get("item_code")},
                  {"item_name", item.get("item_name")},
                  {"qty", item.get("qty")},
                  {"rate", item.get("rate")},
                  {"amount", item.get("amount")},
                  {"delivery_status", "Not Delivered"},
                  {"delivery_date", so.get("delivery_date")},
                  {"order_status", so.get("status")},
                  {"ops_status", status("custom_ops_status")},
                  {"custom_ingredients_status", status("custom_ingredients_status")},
                  {"pro_status", status("custom_production_status")},
                  {"qa_status", status("custom_qa_status")},
                  {"aggregate_production_status", aggregate}});
      }
    }
  }
  tx.commit();
}

void raw_writes(Store& s, const std::string& ticket, const std::vector<Document>& rows) {
  Transaction tx(s);
  s.remove_where("Order History", history_of(ticket));
  for (const auto& r : rows) s.insert("Order History", r);
  tx.commit();
}

// ---- transfers ----------------------------------------------------------------------------

void build_lead(const fs::path& path) {
  auto s = make_sqlite_store(path.string());
  SiteConfig site;  // the company's own domain: its sales@ is never the customer
  site.company_domains = {"zipcushions.com"};
  save_site_config(*s, site);
  Transaction tx(*s);
  std::string lead = s->insert("CRM Lead", {{"first_name", "Jane"},
                                            {"last_name", "Doe"},
                                            {"email", "jane@example.com"},
                                            {"mobile_no", "+1 555 123 4567"}});
  std::string previous;
  for (int i = 0; i < kEmails; ++i) {
    Document c{{"subject", "Re: order " + std::to_string(i)},
               {"content", "<p>" + std::string(2000, 'x') + "</p>"},
               {"text_content", std::string(1000, 'x')},
               {"sender", i % 2 ? "Sales <sales@zipcushions.com>" : "Jane Doe <jane@example.com>"},
               {"recipients", i % 2 ? "jane@example.com" : "sales@zipcushions.com"},
               {"message_id", "m" + std::to_string(i) + "@example.com"},
               {"sent_or_received", i % 2 ? "Sent" : "Received"},
               {"reference_doctype", "CRM Lead"},
               {"reference_name", lead},
               {"has_attachment", 1}};
    if (!previous.empty()) c.set("in_reply_to", Value(previous));
    previous = s->insert("Communication", c);
    for (int f = 0; f < kFilesPerEmail; ++f)
      s->insert("File", {{"file_name", "f" + std::to_string(i) + "-" + std::to_string(f) + ".pdf"},
                         {"file_url", "/private/files/f" + std::to_string(i) + ".pdf"},
                         {"content_hash", "h" + std::to_string(i)},
                         {"file_size", 123456},
                         {"attached_to_doctype", "Communication"},
                         {"attached_to_name", previous}});
  }
  tx.commit();
}

std::string the_lead(Store& s) {
  return s.find("CRM Lead", Query().select({"name"})).front().name();
}

// The original scripts' transfer_to_helpdesk (Contact, ticket, then a commit after every copy), doing the
// work ours does: copy every field and the File rows, then delete the originals and the lead.
void original_style_transfer(Store& s) {
  std::string lead_name = the_lead(s);
  auto lead = *s.get("CRM Lead", lead_name);
  std::string contact = s.insert("Contact", {{"first_name", "Jane"}, {"full_name", "Jane Doe"}},
                                 {{"email_ids", {Document{{"email_id", lead.text("email")}}}}});
  auto ids =
      s.find("Communication",
             Query{Filter("reference_name", Value(lead_name))}.select({"name"}).order("creation"));
  std::string ticket =
      s.insert("HD Ticket",
               {{"subject", "Re: order"}, {"raised_by", lead.text("email")}, {"contact", contact}});
  for (const auto& id : ids) {
    Document c = *s.get("Communication", id.name());
    c.erase("name");
    c.set("creation", Value());
    c.set("modified", Value());
    c.set("reference_doctype", Value("HD Ticket"));
    c.set("reference_name", Value(ticket));
    c.set("status", Value("Linked"));
    std::string copy = s.insert("Communication", c);
    for (Document f : s.find("File", Query{Filter("attached_to_name", id.get("name"))})) {
      f.erase("name");
      f.set("attached_to_name", Value(copy));
      s.insert("File", f);
    }
  }
  for (const auto& id : ids) {
    s.remove_where("File", {Filter("attached_to_name", id.get("name"))});
    s.remove("Communication", id.name());
  }
  s.remove("CRM Lead", lead_name);
}

struct Prebuilt {
  std::string lead;
  std::vector<std::pair<std::string, Document>> comms;  // (original, copy doc)
  std::vector<std::vector<Document>> files;
};

Prebuilt prebuild(Store& s) {
  Prebuilt p;
  p.lead = the_lead(s);
  for (Document c :
       s.find("Communication", Query{Filter("reference_name", Value(p.lead))}.order("creation"))) {
    std::string from = c.name();
    std::vector<Document> files = s.find("File", Query{Filter("attached_to_name", Value(from))});
    for (auto& f : files) f.erase("name");
    c.erase("name");
    c.set("reference_doctype", Value("HD Ticket"));
    c.set("status", Value("Linked"));
    p.comms.emplace_back(from, std::move(c));
    p.files.push_back(std::move(files));
  }
  return p;
}

void raw_transfer(Store& s, Prebuilt p) {
  Transaction tx(s);
  s.insert("Contact", {{"first_name", "Jane"}, {"full_name", "Jane Doe"}},
           {{"email_ids", {Document{{"email_id", "jane@example.com"}}}}});
  std::string ticket =
      s.insert("HD Ticket", {{"subject", "Re: order"}, {"raised_by", "jane@example.com"}});
  for (std::size_t i = 0; i < p.comms.size(); ++i) {
    p.comms[i].second.set("reference_name", Value(ticket));
    std::string copy = s.insert("Communication", p.comms[i].second);
    for (auto& f : p.files[i]) {
      f.set("attached_to_name", Value(copy));
      s.insert("File", f);
    }
  }
  s.insert("Comment",
           {{"reference_doctype", "HD Ticket"}, {"reference_name", ticket}, {"content", "moved"}});
  std::vector<Value> originals;
  for (const auto& c : p.comms) originals.emplace_back(c.first);
  s.remove_where("File", {Filter("attached_to_doctype", "Communication"),
                          Filter("attached_to_name", Op::kIn, originals)});
  s.remove_where("Communication", {Filter("name", Op::kIn, originals)});
  s.remove("CRM Lead", p.lead);
  tx.commit();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::temp_directory_path() / "switchboard-bench";
  fs::create_directories(dir);
  for (const char* f : {"orders.sqlite", "lead-template.sqlite"})
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir / (std::string(f) + suffix));

  // ---- sync_order_history ---------------------------------------------------------------
  auto store = make_sqlite_store((dir / "orders.sqlite").string());
  std::string ticket = build_shop(*store);
  sync_order_history(*store, "HD Ticket", ticket, "John Doe");  // rows to replace, warm cache
  auto rows = store->find("Order History", Query(history_of(ticket)).order("idx"));
  require(rows.size() == std::size_t(kOrders * kItemsPerOrder), "2,500 history rows");
  for (auto& r : rows) r.erase("name");
  std::shared_ptr<Store> shared = std::move(store);
  auto counter = std::make_shared<ReadCounter>(shared);
  Store counted(counter, shared->schema_ptr());
  sync_order_history(counted, "HD Ticket", ticket, "John Doe");
  std::int64_t reads_ours = counter->reads;
  counter->reads = 0;
  original_style_sync(counted, ticket);
  std::int64_t reads_original = counter->reads;
  std::vector<double> ours, original, raw;
  for (int round = 0; round < kRounds; ++round) {
    original.push_back(seconds([&] { original_style_sync(*shared, ticket); }));
    raw.push_back(seconds([&] { raw_writes(*shared, ticket, rows); }));
    ours.push_back(seconds([&] { sync_order_history(*shared, "HD Ticket", ticket, "John Doe"); }));
  }
  require(shared->count("Order History") == kOrders * kItemsPerOrder, "re-sync replaces rows");
  shared.reset();

  // ---- transfer_lead_to_ticket ------------------------------------------------------------
  fs::path tmpl = dir / "lead-template.sqlite";
  build_lead(tmpl);
  int copy_no = 0;
  auto fresh = [&] {
    fs::path p = dir / ("transfer-" + std::to_string(++copy_no) + ".sqlite");
    fs::copy_file(tmpl, p, fs::copy_options::overwrite_existing);
    auto s = make_sqlite_store(p.string());
    s->count("Communication");  // warm the page cache like the other runs
    s->count("File");
    return s;
  };
  std::int64_t transfer_reads_ours = 0, transfer_reads_original = 0;
  {
    std::shared_ptr<Store> inner(fresh());
    auto counted = std::make_shared<ReadCounter>(inner);
    Store ours(counted, inner->schema_ptr());
    transfer_lead_to_ticket(ours, the_lead(ours));
    transfer_reads_ours = counted->reads - 1;  // the_lead's own read
    std::shared_ptr<Store> inner_original(fresh());
    auto counted_original = std::make_shared<ReadCounter>(inner_original);
    Store theirs(counted_original, inner_original->schema_ptr());
    original_style_transfer(theirs);
    transfer_reads_original = counted_original->reads;
  }
  std::vector<double> t_ours, t_original, t_raw;
  for (int round = 0; round < kRounds; ++round) {
    {
      auto s = fresh();
      t_original.push_back(seconds([&] { original_style_transfer(*s); }));
    }
    {
      auto s = fresh();
      Prebuilt p = prebuild(*s);
      t_raw.push_back(seconds([&] { raw_transfer(*s, std::move(p)); }));
    }
    {
      auto s = fresh();
      std::string lead = the_lead(*s);
      TransferResult r;
      t_ours.push_back(seconds([&] { r = transfer_lead_to_ticket(*s, lead); }));
      require(r.transferred_count == kEmails, "200 emails transferred");
      require(s->count("File") == kEmails * kFilesPerEmail, "400 files, originals' deleted");
    }
  }

  auto row = [](const char* what, const std::vector<double>& mine, const char* baseline,
                const std::vector<double>& base) {
    std::printf("| %s | %.1f | %s | %.1f | %.2f |\n", what, median(mine) * 1000.0, baseline,
                median(base) * 1000.0, median(mine) / median(base));
  };
  std::printf(
      "| operation | switchboard ms | baseline | baseline ms | "
      "switchboard time / baseline time |\n|---|---|---|---|---|\n");
  row("sync_order_history (500 orders x 5 items, 2,500 Work Orders)", ours,
      "original scripts' per-step queries", original);
  row("sync_order_history (same)", ours, "raw store writes only", raw);
  row("transfer_lead_to_ticket (200 emails, 400 files)", t_ours, "original scripts' per-step commits", t_original);
  row("transfer_lead_to_ticket (same)", t_ours, "raw store writes only", t_raw);
  std::printf(
      "\nstore reads for one sync_order_history: switchboard %lld, the original scripts' approach %lld "
      "(each a round trip on a Frappe backend)\n",
      static_cast<long long>(reads_ours), static_cast<long long>(reads_original));
  std::printf(
      "store reads for one transfer_lead_to_ticket: switchboard %lld, the original scripts' approach %lld\n",
      static_cast<long long>(transfer_reads_ours), static_cast<long long>(transfer_reads_original));
  std::printf("median of %d rounds on SqliteStore; files in %s\n", kRounds, dir.string().c_str());
  return 0;
}
