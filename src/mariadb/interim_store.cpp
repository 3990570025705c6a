// Interim: puts the MariaDB backend under today's Store (its protected SPI) until the Store
// facade over StoreBackend lands on main; then make_mariadb_store becomes
// Store(make_mariadb_backend(...)) and this file is deleted. The two headers both define
// `Capability`, so the backend's is renamed here.
#define Capability BackendCapability
#include "mariadb_backend.h"
#undef Capability

#include "switchboard/mariadb_store.h"
#include "switchboard/store.h"

namespace switchboard {
namespace {

class BackendStore final : public Store {
 public:
  BackendStore(std::shared_ptr<StoreBackend> backend, std::shared_ptr<const Schema> schema)
      : Store(std::move(schema)), b_(std::move(backend)) {
    b_->open(schema_ptr());
  }

 protected:
  std::optional<Document> do_get(std::string_view d, std::string_view n) override { return b_->get(d, n); }
  std::vector<Document> do_find(std::string_view d, const Query& q) override { return b_->find(d, q); }
  std::string do_insert(std::string_view d, const Document& doc) override { return b_->insert(d, doc); }
  void do_update(std::string_view d, std::string_view n, const Document& c) override { b_->update(d, n, c); }
  std::int64_t do_update_where(std::string_view d, const Filters& f, const Document& c) override {
    return b_->update_where(d, f, c);
  }
  void do_remove(std::string_view d, std::string_view n) override { b_->remove(d, n); }
  void do_begin() override { b_->begin(); }
  void do_commit() override { b_->commit(); }
  void do_rollback() override { b_->rollback(); }
  std::uint32_t do_capabilities() const override {
    return Capability::kSavepoints | Capability::kLock | Capability::kCount;
  }
  std::int64_t do_count(std::string_view d, const Filters& f) override { return b_->count(d, f); }
  std::int64_t do_remove_where(std::string_view d, const Filters& f) override {
    return b_->remove_where(d, f);
  }
  std::int64_t do_next_series(std::string_view p) override { return b_->next_series(p); }
  void do_lock(std::string_view k) override { b_->lock(k); }
  bool do_returns_complete_documents() const override { return true; }

 private:
  std::shared_ptr<StoreBackend> b_;
};

}  // namespace

std::unique_ptr<Store> make_mariadb_store(const std::string& url, MariaDbOptions options) {
  auto spec = mariadb::parse_url(url, options);
  const bool frappe = spec.frappe;
  auto backend = std::make_shared<mariadb::MariaDbBackend>(std::move(spec), options);
  std::shared_ptr<const Schema> schema = options.schema ? options.schema : Schema::standard();
  if (frappe) schema = backend->read_site_schema(*schema);
  auto store = std::make_unique<BackendStore>(backend, schema);
  if (!frappe) seed_standard_records(*store);
  return store;
}

}  // namespace switchboard
