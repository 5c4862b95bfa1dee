// wisp digest: the digest of an image (its index, or one platform's manifest).
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"

namespace wisp::cli {

int cmd_digest(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Print the digest of an image: of its index for a multi-arch image, or with --platform\n"
               "of that platform's manifest. Any transport: registries, oci:DIR[:TAG], archives.",
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
    doc["reference"] = reference;
    doc["digest"] = image->descriptor.digest;
    doc["mediaType"] = image->descriptor.media_type;
    doc["size"] = image->descriptor.size;
    fmt::print("{}\n", doc.dump(2));
  } else {
    fmt::print("{}\n", image->descriptor.digest);
  }
  return k_exit_ok;
}

}  // namespace wisp::cli
