// The JSON form of a configuration, field for field as Go's encoding/json writes apko's structs.
#include "build/image_config.h"

namespace wisp::build {
namespace {

using Json = nlohmann::ordered_json;

void put_string(Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

void put_list(Json& j, const char* key, const std::vector<std::string>& values) {
  if (!values.empty()) j[key] = values;
}

void put_map(Json& j, const char* key, const std::map<std::string, std::string>& values) {
  if (values.empty()) return;
  Json object = Json::object();
  for (const auto& [k, v] : values) object[k] = v;  // std::map order = Go's sorted map keys
  j[key] = std::move(object);
}

void put_named(Json& j, const char* key, const std::vector<NamedContent>& entries) {
  if (entries.empty()) return;
  Json list = Json::array();
  for (const NamedContent& e : entries) {
    Json item = Json::object();
    put_string(item, "name", e.name);
    put_string(item, "content", e.content);
    list.push_back(std::move(item));
  }
  j[key] = std::move(list);
}

}  // namespace

nlohmann::ordered_json to_json(const ImageConfig& config) {
  Json j = Json::object();

  Json contents = Json::object();
  const Contents& c = config.contents;
  put_list(contents, "build_repositories", c.build_repositories);
  put_list(contents, "runtime_repositories", c.runtime_repositories);
  put_list(contents, "repositories", c.repositories);
  put_list(contents, "keyring", c.keyring);
  put_named(contents, "runtime_keyring", c.runtime_keyring);
  put_list(contents, "packages", c.packages);
  put_list(contents, "exclude", c.exclude);
  if (c.baseimage) {
    Json base = Json::object();
    put_string(base, "image", c.baseimage->image);
    put_string(base, "apkindex", c.baseimage->apkindex);
    contents["baseimage"] = std::move(base);
  }
  j["contents"] = std::move(contents);

  Json entrypoint = Json::object();
  put_string(entrypoint, "type", config.entrypoint.type);
  put_string(entrypoint, "command", config.entrypoint.command);
  put_string(entrypoint, "shell-fragment", config.entrypoint.shell_fragment);
  put_map(entrypoint, "services", config.entrypoint.services);
  j["entrypoint"] = std::move(entrypoint);

  put_string(j, "cmd", config.cmd);
  put_string(j, "stop-signal", config.stop_signal);
  put_string(j, "work-dir", config.work_dir);

  Json accounts = Json::object();
  put_string(accounts, "run-as", config.accounts.run_as);
  if (!config.accounts.users.empty()) {
    Json users = Json::array();
    for (const User& u : config.accounts.users) {
      Json user = Json::object();
      put_string(user, "username", u.username);
      if (u.uid != 0) user["uid"] = u.uid;
      if (u.gid) user["gid"] = *u.gid;  // a pointer in apko: present even when 0
      put_string(user, "shell", u.shell);
      put_string(user, "homedir", u.homedir);
      users.push_back(std::move(user));
    }
    accounts["users"] = std::move(users);
  }
  if (!config.accounts.groups.empty()) {
    Json groups = Json::array();
    for (const Group& g : config.accounts.groups) {
      Json group = Json::object();
      put_string(group, "groupname", g.groupname);
      if (g.gid != 0) group["gid"] = g.gid;
      put_list(group, "members", g.members);
      groups.push_back(std::move(group));
    }
    accounts["groups"] = std::move(groups);
  }
  j["accounts"] = std::move(accounts);

  if (!config.archs.empty()) {
    // apko stores archs parsed, i.e. in OCI spelling; names it does not know pass through.
    Json archs = Json::array();
    for (const std::string& name : config.archs) {
      auto arch = parse_arch(name);
      archs.push_back(arch ? arch->oci() : name);
    }
    j["archs"] = std::move(archs);
  }
  put_map(j, "environment", config.environment);

  if (!config.paths.empty()) {
    Json paths = Json::array();
    for (const PathMutation& m : config.paths) {
      Json path = Json::object();
      put_string(path, "path", m.path);
      path["type"] = std::string(path_type_name(m.type));
      if (m.uid) path["uid"] = *m.uid;
      if (m.gid) path["gid"] = *m.gid;
      if (m.permissions.value_or(0) != 0) path["permissions"] = *m.permissions;
      put_string(path, "source", m.source);
      if (m.recursive) path["recursive"] = true;
      paths.push_back(std::move(path));
    }
    j["paths"] = std::move(paths);
  }
  put_string(j, "vcs-url", config.vcs_url);
  put_map(j, "annotations", config.annotations);
  put_string(j, "include", config.include);
  put_list(j, "volumes", config.volumes);
  if (config.layering) {
    Json layering = Json::object();
    put_string(layering, "strategy", config.layering->strategy);
    if (config.layering->budget != 0) layering["budget"] = config.layering->budget;
    j["layering"] = std::move(layering);
  }
  put_string(j, "format", config.format);
  if (config.certificates) {
    Json certs = Json::object();
    put_named(certs, "additional", config.certificates->additional);
    put_list(certs, "providers", config.certificates->providers);
    j["certificates"] = std::move(certs);
  }
  return j;
}

}  // namespace wisp::build
