#include "image/oci_image.h"

#include <algorithm>

#include "build/shell_words.h"
#include "image/layer_tar.h"
#include "image/layering.h"
#include "oci/media_types.h"

namespace wisp::image {
namespace {

constexpr std::string_view k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr std::string_view k_default_cert_file = "/etc/ssl/certs/ca-certificates.crt";

}  // namespace

std::map<std::string, std::string> image_annotations(const build::ImageConfig& config, int64_t created) {
  std::map<std::string, std::string> out = config.annotations;
  out["org.opencontainers.image.created"] = oci::rfc3339_utc(created);
  if (!config.vcs_url.empty()) {
    size_t at = config.vcs_url.rfind('@');
    if (at != std::string::npos && at > 0) {
      out.emplace("org.opencontainers.image.source", config.vcs_url.substr(0, at));
      out.emplace("org.opencontainers.image.revision", config.vcs_url.substr(at + 1));
    } else {
      out.emplace("org.opencontainers.image.source", config.vcs_url);
    }
  }
  return out;
}

Result<oci::ContainerConfig> container_config(const build::ImageConfig& config, const std::string& user,
                                              const std::map<std::string, std::string>& labels) {
  oci::ContainerConfig c;
  if (!config.entrypoint.shell_fragment.empty()) {
    c.entrypoint = {"/bin/sh", "-c", config.entrypoint.shell_fragment};
  } else if (!config.entrypoint.command.empty()) {
    TRY_ASSIGN_CTX(c.entrypoint, build::shell_split(config.entrypoint.command), "entrypoint.command");
  }
  if (!config.cmd.empty()) {
    TRY_ASSIGN_CTX(c.cmd, build::shell_split(config.cmd), "cmd");
  }
  std::map<std::string, std::string> env = config.environment;
  env.emplace("PATH", k_default_path);
  env.emplace("SSL_CERT_FILE", k_default_cert_file);
  for (const auto& [name, value] : env) c.env.push_back(name + "=" + value);
  c.user = user;
  c.working_dir = config.work_dir;
  c.stop_signal = config.stop_signal;
  c.volumes = config.volumes;
  std::sort(c.volumes.begin(), c.volumes.end());
  c.volumes.erase(std::unique(c.volumes.begin(), c.volumes.end()), c.volumes.end());
  c.labels = labels;
  return c;
}

Result<oci::Descriptor> write_arch_image(oci::LayoutWriter& layout, const Assembled& image,
                                         const build::ImageConfig& config, const build::Arch& arch,
                                         const ImageOptions& options) {
  // One layer, or apko's origin layering when the image file asks for it.
  std::vector<PlannedLayer> plan;
  if (config.layering && config.layering->active()) plan = plan_origin_layers(image.installed, config.layering->budget);
  const bool single = plan.empty();
  if (single) plan.push_back({{}, ""});
  auto annotations = image_annotations(config, options.created);
  const std::string created = oci::rfc3339_utc(options.created);

  oci::ImageConfig blob;
  blob.created = created;
  blob.author = "wisp";
  blob.architecture = arch.oci_arch;
  blob.variant = arch.oci_variant;
  blob.os = "linux";
  TRY_ASSIGN(blob.config, container_config(config, image.user, annotations));
  oci::Manifest manifest;
  for (const PlannedLayer& planned : plan) {
    LayerView view = single ? LayerView{} : layer_view(image, planned);
    auto produce = [&](io::Sink& sink) { return write_layer_tar(image.rootfs, image.store, sink, view); };
    TRY_ASSIGN(oci::LayerResult layer, layout.write_layer(produce, options.layer));
    blob.diff_ids.push_back(layer.diff_id);
    manifest.layers.push_back(layer.blob);
    oci::HistoryEntry history;
    history.created = created;
    history.author = "wisp";
    history.created_by = "wisp build";
    history.comment = single ? "This is a wisp single-layer image" : planned.comment;
    blob.history.push_back(history);
  }
  TRY_ASSIGN(oci::Descriptor config_desc, layout.add_blob(oci::serialize(blob), std::string(oci::k_oci_config)));
  manifest.config = config_desc;
  manifest.annotations = annotations;
  TRY_ASSIGN(oci::Descriptor desc, layout.add_blob(oci::serialize(manifest), std::string(oci::k_oci_manifest)));
  desc.platform = oci::Platform{arch.oci_arch, "linux", arch.oci_variant};
  return desc;
}

}  // namespace wisp::image
