// A configured package repository: where an index came from and the entries it lists.
#pragma once

#include <string>
#include <vector>

#include "pkg/apk/package_info.h"

namespace wisp::pkg::solve {

struct Repository {
  std::string name;  // url or path as configured
  std::string tag;   // "" for a plain repository, or a pinning tag such as "@testing" ('@' optional)
  std::vector<apk::PackageInfo> packages;
};

}  // namespace wisp::pkg::solve
