// ForwardingBackend (decorators over another Store) and FaultyBackend (fails on purpose).
#include "switchboard/faulty_store.h"

#include "switchboard/schema.h"
#include "switchboard/store_backend.h"

namespace switchboard {

// ---- StoreBackend defaults: optional operations report NotSupported ------------------------

StoreBackend::~StoreBackend() = default;
void StoreBackend::open(std::shared_ptr<const Schema>) {}
std::uint32_t StoreBackend::capabilities() const { return 0; }
std::int64_t StoreBackend::count(std::string_view, const Filters&) {
  throw NotSupported("this backend has no count()");
}
std::int64_t StoreBackend::remove_where(std::string_view, const Filters&) {
  throw NotSupported("this backend has no remove_where()");
}
std::int64_t StoreBackend::next_series(std::string_view) {
  throw NotSupported("this backend has no next_series()");
}
void StoreBackend::lock(std::string_view) { throw NotSupported("this store does not support lock()"); }
void StoreBackend::insert_many(std::string_view, const std::vector<Document>&) {
  throw NotSupported("this backend has no insert_many()");
}
std::string StoreBackend::insert_with_rows(std::string_view, const Document&,
                                           const std::vector<ChildTableRows>&) {
  throw NotSupported("this backend has no insert_with_rows()");
}

// ---- ForwardingBackend ------------------------------------------------------------------------

ForwardingBackend::ForwardingBackend(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {
  if (!inner_)
    throw ValidationError("a ForwardingBackend needs a store to forward to",
                          ErrorCode::kInvalidArgument);
}

std::optional<Document> ForwardingBackend::get(std::string_view doctype, std::string_view name) {
  return inner_->get(doctype, name);
}
std::vector<Document> ForwardingBackend::find(std::string_view doctype, const Query& query) {
  return inner_->find(doctype, query);
}
std::string ForwardingBackend::insert(std::string_view doctype, const Document& doc) {
  return inner_->insert(doctype, doc);
}
void ForwardingBackend::update(std::string_view doctype, std::string_view name,
                               const Document& changes) {
  inner_->update(doctype, name, changes, /*update_modified=*/false);  // already stamped
}
std::int64_t ForwardingBackend::update_where(std::string_view doctype, const Filters& filters,
                                             const Document& changes) {
  return inner_->update_where(doctype, filters, changes, /*update_modified=*/false);
}
void ForwardingBackend::remove(std::string_view doctype, std::string_view name) {
  // The outer facade cascades to child rows itself; the inner store finds none left to cascade.
  inner_->remove(doctype, name);
}
void ForwardingBackend::begin() { inner_->begin(); }
void ForwardingBackend::commit() { inner_->commit(); }
void ForwardingBackend::rollback() { inner_->rollback(); }
std::uint32_t ForwardingBackend::capabilities() const {
  // The inner facade answers every optional operation (natively or through its fallbacks).
  return (inner_->capabilities() & (Capability::kSavepoints | Capability::kLock |
                                    Capability::kSelfManaged)) |
         Capability::kCount | Capability::kRemoveWhere | Capability::kSeries |
         Capability::kCompleteDocuments;
}
std::int64_t ForwardingBackend::count(std::string_view doctype, const Filters& filters) {
  return inner_->count(doctype, filters);
}
std::int64_t ForwardingBackend::remove_where(std::string_view doctype, const Filters& filters) {
  return inner_->remove_where(doctype, filters);
}
std::int64_t ForwardingBackend::next_series(std::string_view prefix) {
  return inner_->next_series(prefix);
}
void ForwardingBackend::lock(std::string_view key) { inner_->lock(key); }

// ---- FaultyBackend ----------------------------------------------------------------------------

FaultyBackend::FaultyBackend(std::shared_ptr<Store> inner, FaultPlan plan)
    : ForwardingBackend(std::move(inner)), plan_(plan) {}

void FaultyBackend::arm(FaultPlan plan) {
  plan_ = plan;
  writes_ = commits_ = rollbacks_ = 0;
}

void FaultyBackend::count_write(const char* what) {
  ++writes_;
  if (plan_.fail_write && writes_ == plan_.fail_write)
    throw StoreError(ErrorCode::kInjectedFault,
                     std::string("injected fault at write ") + std::to_string(writes_) + " (" +
                         what + ")");
}

std::string FaultyBackend::insert(std::string_view doctype, const Document& doc) {
  count_write("insert");
  return ForwardingBackend::insert(doctype, doc);
}
void FaultyBackend::update(std::string_view doctype, std::string_view name,
                           const Document& changes) {
  count_write("update");
  ForwardingBackend::update(doctype, name, changes);
}
std::int64_t FaultyBackend::update_where(std::string_view doctype, const Filters& filters,
                                         const Document& changes) {
  count_write("update_where");
  return ForwardingBackend::update_where(doctype, filters, changes);
}
void FaultyBackend::remove(std::string_view doctype, std::string_view name) {
  count_write("remove");
  ForwardingBackend::remove(doctype, name);
}
std::int64_t FaultyBackend::remove_where(std::string_view doctype, const Filters& filters) {
  count_write("remove_where");
  return ForwardingBackend::remove_where(doctype, filters);
}
std::int64_t FaultyBackend::next_series(std::string_view prefix) {
  count_write("series");
  return ForwardingBackend::next_series(prefix);
}
void FaultyBackend::commit() {
  ++commits_;
  if (plan_.fail_commit && commits_ == plan_.fail_commit) {
    // Fail like a real backend: nothing of this level becomes durable.
    throw StoreError(ErrorCode::kInjectedFault,
                     "injected fault at commit " + std::to_string(commits_));
  }
  ForwardingBackend::commit();
}
void FaultyBackend::rollback() {
  ++rollbacks_;
  ForwardingBackend::rollback();
  if (plan_.fail_rollback && rollbacks_ == plan_.fail_rollback)
    throw StoreError(ErrorCode::kInjectedFault,
                     "injected fault at rollback " + std::to_string(rollbacks_));
}

std::shared_ptr<Store> make_faulty_store(std::shared_ptr<Store> inner, FaultPlan plan) {
  if (!inner) throw ValidationError("make_faulty_store needs a store", ErrorCode::kInvalidArgument);
  auto schema = inner->schema_ptr();
  return std::make_shared<Store>(std::make_shared<FaultyBackend>(std::move(inner), plan), schema);
}

FaultyBackend& faults(Store& store) {
  auto* backend = dynamic_cast<FaultyBackend*>(store.backend().get());
  if (!backend)
    throw ValidationError("this store's backend is not a FaultyBackend",
                          ErrorCode::kInvalidArgument);
  return *backend;
}

}  // namespace switchboard
