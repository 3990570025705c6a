// Interim: the default bodies of StoreBackend until the Store facade lands on main with its own
// (this file is deleted then).
#include "switchboard/error.h"
#include "switchboard/store_backend.h"

namespace switchboard {
StoreBackend::~StoreBackend() = default;
void StoreBackend::open(std::shared_ptr<const Schema>) {}
std::uint32_t StoreBackend::capabilities() const { return 0; }
std::int64_t StoreBackend::count(std::string_view, const Filters&) { throw NotSupported("count"); }
std::int64_t StoreBackend::remove_where(std::string_view, const Filters&) { throw NotSupported("remove_where"); }
std::int64_t StoreBackend::next_series(std::string_view) { throw NotSupported("next_series"); }
void StoreBackend::lock(std::string_view) { throw NotSupported("lock"); }
void StoreBackend::insert_many(std::string_view, const std::vector<Document>&) { throw NotSupported("insert_many"); }
std::int64_t StoreBackend::schema_generation() { return 0; }
}  // namespace switchboard
