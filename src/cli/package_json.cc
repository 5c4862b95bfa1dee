#include "cli/package_json.h"

namespace wisp::cli {

namespace {
using nlohmann::json;
json optional_int(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json package_info_json(const pkg::apk::PackageInfo& i) {
  json out = {{"name", i.name},
              {"version", i.version},
              {"arch", i.arch},
              {"description", i.description},
              {"url", i.url},
              {"license", i.license},
              {"origin", i.origin},
              {"maintainer", i.maintainer},
              {"commit", i.commit},
              {"packager", i.packager},
              {"build_time", optional_int(i.build_time)},
              {"installed_size", i.installed_size},
              {"file_size", i.file_size},
              {"depends", i.depends},
              {"provides", i.provides},
              {"install_if", i.install_if},
              {"replaces", i.replaces},
              {"triggers", i.triggers},
              {"provider_priority", optional_int(i.provider_priority)},
              {"replaces_priority", optional_int(i.replaces_priority)},
              {"datahash", i.datahash},
              {"checksum", i.checksum},
              {"uninstallable", i.uninstallable}};
  json extra = json::array();
  for (const auto& [key, value] : i.extra) extra.push_back({{"key", key}, {"value", value}});
  out["extra"] = extra;
  return out;
}

}  // namespace wisp::cli
