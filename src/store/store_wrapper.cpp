#include "switchboard/store_wrapper.h"

namespace switchboard {

StoreWrapper::StoreWrapper(std::shared_ptr<Store> inner)
    : Store(inner ? inner->schema_ptr() : nullptr), inner_(std::move(inner)) {
  if (!inner_) throw ValidationError("StoreWrapper needs a store to wrap", ErrorCode::kInvalidArgument);
}

std::optional<Document> StoreWrapper::do_get(std::string_view doctype, std::string_view name) {
  return inner_->get(doctype, name);
}
std::vector<Document> StoreWrapper::do_find(std::string_view doctype, const Query& query) {
  return inner_->find(doctype, query);
}
std::string StoreWrapper::do_insert(std::string_view doctype, const Document& doc) {
  return inner_->insert(doctype, doc);
}
void StoreWrapper::do_update(std::string_view doctype, std::string_view name,
                             const Document& changes) {
  inner_->update(doctype, name, changes, /*update_modified=*/false);  // already stamped
}
std::int64_t StoreWrapper::do_update_where(std::string_view doctype, const Filters& filters,
                                           const Document& changes) {
  return inner_->update_where(doctype, filters, changes, /*update_modified=*/false);
}
void StoreWrapper::do_remove(std::string_view doctype, std::string_view name) {
  // The facade cascades to child rows itself; the inner store finds none left to cascade.
  inner_->remove(doctype, name);
}
void StoreWrapper::do_begin() { inner_->begin(); }
void StoreWrapper::do_commit() { inner_->commit(); }
void StoreWrapper::do_rollback() { inner_->rollback(); }
std::uint32_t StoreWrapper::do_capabilities() const { return inner_->capabilities(); }
std::int64_t StoreWrapper::do_count(std::string_view doctype, const Filters& filters) {
  return inner_->count(doctype, filters);
}
std::int64_t StoreWrapper::do_remove_where(std::string_view doctype, const Filters& filters) {
  return inner_->remove_where(doctype, filters);
}
std::int64_t StoreWrapper::do_next_series(std::string_view prefix) {
  return inner_->next_series(prefix);
}
void StoreWrapper::do_lock(std::string_view key) { inner_->lock(key); }
bool StoreWrapper::do_returns_complete_documents() const { return true; }

FaultyStore::FaultyStore(std::shared_ptr<Store> inner, FaultPlan plan)
    : StoreWrapper(std::move(inner)), plan_(plan) {}

void FaultyStore::arm(FaultPlan plan) {
  plan_ = plan;
  writes_ = commits_ = rollbacks_ = 0;
}

void FaultyStore::count_write(const char* what) {
  ++writes_;
  if (plan_.fail_write && writes_ == plan_.fail_write)
    throw StoreError(ErrorCode::kInjectedFault,
                     std::string("injected fault at write ") + std::to_string(writes_) + " (" +
                         what + ")");
}

std::string FaultyStore::do_insert(std::string_view doctype, const Document& doc) {
  count_write("insert");
  return StoreWrapper::do_insert(doctype, doc);
}
void FaultyStore::do_update(std::string_view doctype, std::string_view name,
                            const Document& changes) {
  count_write("update");
  StoreWrapper::do_update(doctype, name, changes);
}
std::int64_t FaultyStore::do_update_where(std::string_view doctype, const Filters& filters,
                                          const Document& changes) {
  count_write("update_where");
  return StoreWrapper::do_update_where(doctype, filters, changes);
}
void FaultyStore::do_remove(std::string_view doctype, std::string_view name) {
  count_write("remove");
  StoreWrapper::do_remove(doctype, name);
}
std::int64_t FaultyStore::do_remove_where(std::string_view doctype, const Filters& filters) {
  count_write("remove_where");
  return StoreWrapper::do_remove_where(doctype, filters);
}
std::int64_t FaultyStore::do_next_series(std::string_view prefix) {
  count_write("series");
  return StoreWrapper::do_next_series(prefix);
}
void FaultyStore::do_commit() {
  ++commits_;
  if (plan_.fail_commit && commits_ == plan_.fail_commit) {
    // Fail like a real backend: nothing of this level becomes durable.
    throw StoreError(ErrorCode::kInjectedFault,
                     "injected fault at commit " + std::to_string(commits_));
  }
  StoreWrapper::do_commit();
}
void FaultyStore::do_rollback() {
  ++rollbacks_;
  StoreWrapper::do_rollback();
  if (plan_.fail_rollback && rollbacks_ == plan_.fail_rollback)
    throw StoreError(ErrorCode::kInjectedFault,
                     "injected fault at rollback " + std::to_string(rollbacks_));
}

}  // namespace switchboard
