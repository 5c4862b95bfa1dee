// A configured package repository: where an index came from and the entries it lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pkg/apk/package_info.h"

namespace wisp::pkg::solve {

struct Repository {
  std::string name;  // url or path as configured
  std::string tag;   // "" for a plain repository, or a pinning tag such as "@testing" ('@' optional)
  std::vector<apk::PackageInfo> packages;
};

/// A repository index that stands for "no repository": an installed package that no configured
/// repository lists (it can be kept, not fetched).
inline constexpr size_t k_no_repository = SIZE_MAX;

}  // namespace wisp::pkg::solve
