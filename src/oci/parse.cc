// Readers of the OCI JSON objects (untrusted bytes: registries, layouts, archives).
#include "oci/json_reader.h"
#include "oci/objects.h"

namespace wisp::oci {

namespace {

using json = nlohmann::json;

Result<std::vector<Descriptor>> descriptor_list(const JsonReader& r, const json& root, const char* key) {
  if (!root.contains(key)) return r.error(key, "missing");
  TRY_ASSIGN(const json* list, r.array(root, key));
  std::vector<Descriptor> out;
  if (!list) return out;
  JsonReader rl = r.child(key);
  for (size_t i = 0; i < list->size(); ++i) {
    TRY_ASSIGN(Descriptor d, rl.element(i).descriptor((*list)[i]));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<Descriptor>> optional_descriptor(const JsonReader& r, const json& root,
                                                      const char* key) {
  if (!JsonReader::has(root, key)) return std::optional<Descriptor>();
  TRY_ASSIGN(Descriptor d, r.child(key).descriptor(root[key]));
  return std::optional<Descriptor>(std::move(d));
}

Status check_media_type(const JsonReader& r, std::string_view got, std::string_view oci,
                        std::string_view docker, std::string_view what) {
  if (got.empty() || got == oci || got == docker) return {};
  return r.error("mediaType", fmt::format("'{}' is not an {} media type", got, what));
}

Status check_time(const JsonReader& r, const char* field, std::string_view value) {
  if (value.empty() || is_rfc3339(value)) return {};
  return r.error(field, fmt::format("'{}' is not an RFC 3339 time", value));
}

Result<ContainerConfig> container_config(const JsonReader& r, const json& value) {
  ContainerConfig c;
  TRY_ASSIGN(c.cmd, r.string_array(value, "Cmd"));
  TRY_ASSIGN(c.entrypoint, r.string_array(value, "Entrypoint"));
  TRY_ASSIGN(c.env, r.string_array(value, "Env"));
  TRY_ASSIGN(c.labels, r.string_map(value, "Labels"));
  TRY_ASSIGN(c.user, r.string(value, "User"));
  TRY_ASSIGN(c.volumes, r.object_keys(value, "Volumes"));
  TRY_ASSIGN(c.working_dir, r.string(value, "WorkingDir"));
  TRY_ASSIGN(c.exposed_ports, r.object_keys(value, "ExposedPorts"));
  TRY_ASSIGN(c.stop_signal, r.string(value, "StopSignal"));
  return c;
}

// What an index and a manifest share: a JSON object, schemaVersion 2, an OCI or Docker media
// type (or none), and the optional artifactType, subject and annotations.
struct CommonFields {
  std::string media_type;
  std::string artifact_type;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

Result<CommonFields> common_fields(const JsonReader& r, const json& root, std::string_view oci,
                                   std::string_view docker, std::string_view what) {
  TRY(r.schema_version_2(root));
  CommonFields f;
  TRY_ASSIGN(f.media_type, r.string(root, "mediaType"));
  TRY(check_media_type(r, f.media_type, oci, docker, what));
  TRY_ASSIGN(f.artifact_type, r.string(root, "artifactType"));
  TRY_ASSIGN(f.subject, optional_descriptor(r, root, "subject"));
  TRY_ASSIGN(f.annotations, r.string_map(root, "annotations"));
  return f;
}

Result<HistoryEntry> history_entry(const JsonReader& r, const json& value) {
  if (!value.is_object()) return r.error("", fmt::format("expected an object, got {}", value.type_name()));
  HistoryEntry h;
  TRY_ASSIGN(h.author, r.string(value, "author"));
  TRY_ASSIGN(h.created, r.string(value, "created"));
  TRY(check_time(r, "created", h.created));
  TRY_ASSIGN(h.created_by, r.string(value, "created_by"));
  TRY_ASSIGN(h.comment, r.string(value, "comment"));
  TRY_ASSIGN(h.empty_layer, r.boolean(value, "empty_layer"));
  return h;
}

}  // namespace

Result<Index> parse_index(std::string_view text) {
  constexpr std::string_view what = "image index";
  TRY_ASSIGN(json root, JsonReader::parse_object(text, what));
  JsonReader r(what, "");
  TRY_ASSIGN(CommonFields f, common_fields(r, root, k_oci_index, k_docker_manifest_list, what));
  Index index;
  index.media_type = std::move(f.media_type);
  index.artifact_type = std::move(f.artifact_type);
  index.subject = std::move(f.subject);
  index.annotations = std::move(f.annotations);
  TRY_ASSIGN(index.manifests, descriptor_list(r, root, "manifests"));
  return index;
}

Result<Manifest> parse_manifest(std::string_view text) {
  constexpr std::string_view what = "image manifest";
  TRY_ASSIGN(json root, JsonReader::parse_object(text, what));
  JsonReader r(what, "");
  TRY_ASSIGN(CommonFields f, common_fields(r, root, k_oci_manifest, k_docker_manifest, what));
  Manifest m;
  m.media_type = std::move(f.media_type);
  m.artifact_type = std::move(f.artifact_type);
  m.subject = std::move(f.subject);
  m.annotations = std::move(f.annotations);
  if (!JsonReader::has(root, "config")) return r.error("config", "missing");
  TRY_ASSIGN(m.config, r.child("config").descriptor(root["config"]));
  TRY_ASSIGN(m.layers, descriptor_list(r, root, "layers"));
  return m;
}

Result<ImageConfig> parse_image_config(std::string_view text) {
  constexpr std::string_view what = "image config";
  TRY_ASSIGN(json root, JsonReader::parse_object(text, what));
  JsonReader r(what, "");
  ImageConfig c;
  TRY_ASSIGN(c.architecture, r.string(root, "architecture"));
  TRY_ASSIGN(c.author, r.string(root, "author"));
  TRY_ASSIGN(c.created, r.string(root, "created"));
  TRY(check_time(r, "created", c.created));
  TRY_ASSIGN(c.os, r.string(root, "os"));
  TRY_ASSIGN(c.variant, r.string(root, "variant"));

  TRY_ASSIGN(const json* history, r.array(root, "history"));
  if (history) {
    for (size_t i = 0; i < history->size(); ++i) {
      TRY_ASSIGN(HistoryEntry h, history_entry(r.child("history").element(i), (*history)[i]));
      c.history.push_back(std::move(h));
    }
  }

  TRY_ASSIGN(const json* rootfs, r.object(root, "rootfs"));
  if (!rootfs) return r.error("rootfs", "missing");
  JsonReader rr = r.child("rootfs");
  TRY_ASSIGN(std::string type, rr.string(*rootfs, "type"));
  if (type != "layers") return rr.error("type", fmt::format("expected \"layers\", got '{}'", type));
  TRY_ASSIGN(c.diff_ids, rr.string_array(*rootfs, "diff_ids"));
  for (size_t i = 0; i < c.diff_ids.size(); ++i)
    if (auto st = check_digest(c.diff_ids[i]); !st)
      return rr.error(fmt::format("diff_ids[{}]", i), st.error().message);

  TRY_ASSIGN(const json* config, r.object(root, "config"));
  if (config) {
    TRY_ASSIGN(c.config, container_config(r.child("config"), *config));
  }
  return c;
}

}  // namespace wisp::oci
