// wisp manifest: the raw bytes of an image's manifest or index (like `crane manifest`).
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_manifest(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Print an image's manifest or index exactly as stored (its bytes hash to its digest).\n"
               "With --platform, the manifest of that platform out of a multi-arch index.",
               prog};
  std::string reference;
  RegistryFlags flags;
  PlatformFlags platform;
  app.add_option("image", reference, "[docker://]REGISTRY/REPO[:TAG|@DIGEST], oci:DIR[:TAG] or an archive")->required();
  flags.add_to(app);
  platform.add_to(app, false);
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto image = fetch_image_manifest(reference, flags, platform);
  if (!image) return report(image.error());
  if (flags.json) {
    nlohmann::ordered_json doc;
    doc["mediaType"] = image->descriptor.media_type;
    doc["digest"] = image->descriptor.digest;
    doc["size"] = image->descriptor.size;
    doc["manifest"] = nlohmann::ordered_json::parse(image->bytes, nullptr, false);
    fmt::print("{}\n", doc.dump(2));
  } else {
    std::fwrite(image->bytes.data(), 1, image->bytes.size(), stdout);
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
