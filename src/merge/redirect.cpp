// The public names of the merge pointers and survivors; the model's Directory answers them.
#include "model/directory.h"
#include "switchboard/merge.h"

namespace switchboard {

std::string_view merge_pointer_field(std::string_view doctype) noexcept {
  return model::merge_pointer(doctype);
}

std::string resolve_survivor(Store& store, std::string_view doctype, std::string_view name) {
  return model::Directory(store).survivor(doctype, name);
}

}  // namespace switchboard
