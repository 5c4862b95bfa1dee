// The strict YAML → ImageConfig walk. Every key apko's Go structs accept is listed here, with
// the YAML spelling yaml.v3 derives from them (lowercased field names unless tagged).
#include <array>
#include <limits>

#include "build/image_config_internal.h"
#include "build/yaml_reader.h"

namespace wisp::build::detail {
namespace {

constexpr int64_t k_max_id = std::numeric_limits<uint32_t>::max();
constexpr int64_t k_max_mode = 07777;
constexpr int64_t k_max_plain_decimal_mode = 0777;

constexpr std::array<std::string_view, 16> k_top_keys = {
    "contents", "entrypoint", "cmd",         "stop-signal", "work-dir", "accounts",
    "archs",    "environment", "paths",      "annotations", "vcs-url",  "volumes",
    "include",  "layering",   "format",      "certificates"};
constexpr std::array<std::string_view, 8> k_contents_keys = {
    "repositories", "build_repositories", "runtime_repositories", "keyring",
    "runtime_keyring", "packages", "baseimage", "exclude"};
constexpr std::array<std::string_view, 2> k_baseimage_keys = {"image", "apkindex"};
constexpr std::array<std::string_view, 2> k_named_content_keys = {"name", "content"};
constexpr std::array<std::string_view, 4> k_entrypoint_keys = {"type", "command", "shell-fragment",
                                                               "services"};
constexpr std::array<std::string_view, 3> k_accounts_keys = {"groups", "users", "run-as"};
constexpr std::array<std::string_view, 3> k_group_keys = {"groupname", "gid", "members"};
constexpr std::array<std::string_view, 5> k_user_keys = {"username", "uid", "gid", "shell",
                                                         "homedir"};
constexpr std::array<std::string_view, 7> k_path_keys = {"path",        "type",   "uid",      "gid",
                                                         "permissions", "source", "recursive"};
constexpr std::array<std::string_view, 2> k_layering_keys = {"strategy", "budget"};
constexpr std::array<std::string_view, 2> k_certificates_keys = {"additional", "providers"};

std::optional<PathType> path_type_from(std::string_view s) {
  for (PathType t : {PathType::directory, PathType::empty_file, PathType::hardlink,
                     PathType::symlink, PathType::permissions})
    if (path_type_name(t) == s) return t;
  return std::nullopt;
}

class Parser {
 public:
  explicit Parser(std::string_view file) : m_r(std::string(file)) {}

  Result<ParsedDocument> document(const YAML::Node& root) {
    if (root.IsNull())
      return fail(Errc::bad_format, "{}: empty configuration (write {{}} for an empty one)",
                  m_r.file());
    ParsedDocument doc;
    ImageConfig& c = doc.config;
    c.config_file = m_r.file();
    TRY_ASSIGN(auto entries, m_r.entries(root, "", k_top_keys));
    for (const YamlEntry& e : entries) {
      const std::string& k = e.key;
      const YAML::Node& v = e.value;
      if (k == "contents") {
        TRY(contents(v, k, c.contents));
      } else if (k == "entrypoint") {
        TRY(entrypoint(v, k, c.entrypoint));
      } else if (k == "cmd") {
        TRY_ASSIGN(c.cmd, m_r.string(v, k));
      } else if (k == "stop-signal") {
        TRY_ASSIGN(c.stop_signal, m_r.string(v, k));
      } else if (k == "work-dir") {
        TRY_ASSIGN(c.work_dir, m_r.string(v, k));
      } else if (k == "accounts") {
        TRY(accounts(v, k, c.accounts));
      } else if (k == "archs") {
        TRY(archs(v, k, c.archs));
      } else if (k == "environment") {
        TRY_ASSIGN(c.environment, m_r.string_map(v, k));
      } else if (k == "paths") {
        TRY(paths(v, k, c.paths));
      } else if (k == "annotations") {
        TRY_ASSIGN(c.annotations, m_r.string_map(v, k));
      } else if (k == "vcs-url") {
        TRY_ASSIGN(c.vcs_url, m_r.string(v, k));
      } else if (k == "volumes") {
        TRY_ASSIGN(c.volumes, m_r.string_list(v, k));
      } else if (k == "include") {
        TRY_ASSIGN(c.include, m_r.string(v, k));
        doc.include_loc = m_r.loc(v);
      } else if (k == "layering") {
        TRY(layering(v, k, c.layering));
      } else if (k == "format") {
        TRY_ASSIGN(c.format, m_r.string(v, k));
      } else if (k == "certificates") {
        TRY(certificates(v, k, c.certificates));
      }
    }
    return doc;
  }

 private:
  Status contents(const YAML::Node& node, const std::string& path, Contents& out) {
    TRY_ASSIGN(auto entries, m_r.entries(node, path, k_contents_keys));
    for (const YamlEntry& e : entries) {
      std::string p = YamlReader::child(path, e.key);
      if (e.key == "repositories") {
        TRY_ASSIGN(out.repositories, m_r.string_list(e.value, p));
      } else if (e.key == "build_repositories") {
        TRY_ASSIGN(out.build_repositories, m_r.string_list(e.value, p));
      } else if (e.key == "runtime_repositories") {
        TRY_ASSIGN(out.runtime_repositories, m_r.string_list(e.value, p));
      } else if (e.key == "keyring") {
        TRY_ASSIGN(out.keyring, m_r.string_list(e.value, p));
      } else if (e.key == "runtime_keyring") {
        TRY(named_contents(e.value, p, out.runtime_keyring));
      } else if (e.key == "packages") {
        TRY_ASSIGN(out.packages, m_r.string_list(e.value, p));
      } else if (e.key == "exclude") {
        TRY_ASSIGN(out.exclude, m_r.string_list(e.value, p));
      } else if (e.key == "baseimage") {
        if (e.value.IsNull()) continue;  // a nil pointer in apko
        TRY_ASSIGN(auto fields, m_r.entries(e.value, p, k_baseimage_keys));
        BaseImage base;
        for (const YamlEntry& f : fields) {
          std::string fp = YamlReader::child(p, f.key);
          if (f.key == "image") {
            TRY_ASSIGN(base.image, m_r.string(f.value, fp));
          } else {
            TRY_ASSIGN(base.apkindex, m_r.string(f.value, fp));
          }
        }
        out.baseimage = std::move(base);
      }
    }
    return {};
  }

  Status named_contents(const YAML::Node& node, const std::string& path,
                        std::vector<NamedContent>& out) {
    TRY_ASSIGN(auto elements, m_r.items(node, path));
    out.clear();
    for (size_t i = 0; i < elements.size(); ++i) {
      std::string p = YamlReader::item(path, i);
      if (elements[i].IsNull()) return m_r.error(elements[i], p, "expected a mapping, found null");
      TRY_ASSIGN(auto fields, m_r.entries(elements[i], p, k_named_content_keys));
      NamedContent entry;
      entry.loc = m_r.loc(elements[i]);
      for (const YamlEntry& f : fields) {
        std::string fp = YamlReader::child(p, f.key);
        if (f.key == "name") {
          TRY_ASSIGN(entry.name, m_r.string(f.value, fp));
        } else {
          TRY_ASSIGN(entry.content, m_r.string(f.value, fp));
        }
      }
      out.push_back(std::move(entry));
    }
    return {};
  }

  Status entrypoint(const YAML::Node& node, const std::string& path, Entrypoint& out) {
    TRY_ASSIGN(auto entries, m_r.entries(node, path, k_entrypoint_keys));
    for (const YamlEntry& e : entries) {
      std::string p = YamlReader::child(path, e.key);
      if (e.key == "type") {
        TRY_ASSIGN(out.type, m_r.string(e.value, p));
      } else if (e.key == "command") {
        TRY_ASSIGN(out.command, m_r.string(e.value, p));
      } else if (e.key == "shell-fragment") {
        TRY_ASSIGN(out.shell_fragment, m_r.string(e.value, p));
      } else {
        TRY_ASSIGN(out.services, m_r.string_map(e.value, p));
      }
    }
    return {};
  }

  Result<std::optional<uint32_t>> id(const YAML::Node& node, const std::string& path) {
    TRY_ASSIGN(auto value, m_r.integer(node, path, 0, k_max_id));
    if (!value) return std::optional<uint32_t>();
    return std::optional<uint32_t>(static_cast<uint32_t>(*value));
  }

  Status accounts(const YAML::Node& node, const std::string& path, Accounts& out) {
    TRY_ASSIGN(auto entries, m_r.entries(node, path, k_accounts_keys));
    for (const YamlEntry& e : entries) {
      std::string p = YamlReader::child(path, e.key);
      if (e.key == "run-as") {
        TRY_ASSIGN(out.run_as, m_r.string(e.value, p));
      } else if (e.key == "groups") {
        TRY_ASSIGN(auto elements, m_r.items(e.value, p));
        out.groups.clear();
        for (size_t i = 0; i < elements.size(); ++i) {
          std::string ip = YamlReader::item(p, i);
          if (elements[i].IsNull()) return m_r.error(elements[i], ip, "expected a mapping, found null");
          TRY_ASSIGN(auto fields, m_r.entries(elements[i], ip, k_group_keys));
          Group group;
          group.loc = m_r.loc(elements[i]);
          for (const YamlEntry& f : fields) {
            std::string fp = YamlReader::child(ip, f.key);
            if (f.key == "groupname") {
              TRY_ASSIGN(group.groupname, m_r.string(f.value, fp));
            } else if (f.key == "gid") {
              TRY_ASSIGN(auto gid, id(f.value, fp));
              group.gid = gid.value_or(0);
            } else {
              TRY_ASSIGN(group.members, m_r.string_list(f.value, fp));
            }
          }
          out.groups.push_back(std::move(group));
        }
      } else {
        TRY_ASSIGN(auto elements, m_r.items(e.value, p));
        out.users.clear();
        for (size_t i = 0; i < elements.size(); ++i) {
          std::string ip = YamlReader::item(p, i);
          if (elements[i].IsNull()) return m_r.error(elements[i], ip, "expected a mapping, found null");
          TRY_ASSIGN(auto fields, m_r.entries(elements[i], ip, k_user_keys));
          User user;
          user.loc = m_r.loc(elements[i]);
          for (const YamlEntry& f : fields) {
            std::string fp = YamlReader::child(ip, f.key);
            if (f.key == "username") {
              TRY_ASSIGN(user.username, m_r.string(f.value, fp));
            } else if (f.key == "uid") {
              TRY_ASSIGN(auto uid, id(f.value, fp));
              user.uid = uid.value_or(0);
            } else if (f.key == "gid") {
              TRY_ASSIGN(user.gid, id(f.value, fp));
            } else if (f.key == "shell") {
              TRY_ASSIGN(user.shell, m_r.string(f.value, fp));
            } else {
              TRY_ASSIGN(user.homedir, m_r.string(f.value, fp));
            }
          }
          out.users.push_back(std::move(user));
        }
      }
    }
    return {};
  }

  Status archs(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
    TRY_ASSIGN(auto elements, m_r.items(node, path));
    TRY_ASSIGN(out, m_r.string_list(node, path));
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] == "all" || out[i] == "host") continue;
      auto arch = parse_arch(out[i]);
      if (!arch)
        return fail(Errc::usage, "{}: '{}': {}", m_r.loc(elements[i]).str(),
                    YamlReader::item(path, i), arch.error().message);
    }
    return {};
  }

  Status paths(const YAML::Node& node, const std::string& path, std::vector<PathMutation>& out) {
    TRY_ASSIGN(auto elements, m_r.items(node, path));
    out.clear();
    for (size_t i = 0; i < elements.size(); ++i) {
      std::string ip = YamlReader::item(path, i);
      if (elements[i].IsNull()) return m_r.error(elements[i], ip, "expected a mapping, found null");
      TRY_ASSIGN(auto fields, m_r.entries(elements[i], ip, k_path_keys));
      PathMutation m;
      m.loc = m_r.loc(elements[i]);
      bool has_type = false;
      for (const YamlEntry& f : fields) {
        std::string fp = YamlReader::child(ip, f.key);
        if (f.key == "path") {
          TRY_ASSIGN(m.path, m_r.string(f.value, fp));
        } else if (f.key == "type") {
          TRY_ASSIGN(std::string type, m_r.string(f.value, fp));
          auto parsed = path_type_from(type);
          if (!parsed)
            return m_r.error(f.value, fp,
                             fmt::format("unknown path type '{}' (expected directory, empty-file, "
                                         "hardlink, symlink or permissions)",
                                         type));
          m.type = *parsed;
          has_type = true;
        } else if (f.key == "uid") {
          TRY_ASSIGN(m.uid, id(f.value, fp));
        } else if (f.key == "gid") {
          TRY_ASSIGN(m.gid, id(f.value, fp));
        } else if (f.key == "permissions") {
          TRY(permissions(f.value, fp, m.permissions));
        } else if (f.key == "source") {
          TRY_ASSIGN(m.source, m_r.string(f.value, fp));
        } else {
          TRY_ASSIGN(m.recursive, m_r.boolean(f.value, fp));
        }
      }
      if (!has_type)
        return m_r.error(elements[i], ip,
                         "missing 'type' (directory, empty-file, hardlink, symlink or permissions)");
      out.push_back(std::move(m));
    }
    return {};
  }

  Status permissions(const YAML::Node& node, const std::string& path, std::optional<uint32_t>& out) {
    TRY_ASSIGN(auto value, m_r.integer(node, path, 0, std::numeric_limits<int64_t>::max()));
    if (!value) {
      out.reset();
      return {};
    }
    if (*value > k_max_mode)
      return m_r.error(node, path,
                       fmt::format("permissions {} (= 0o{:o}) are above 0o7777", node.Scalar(), *value));
    if (*value > k_max_plain_decimal_mode && yaml_int_is_plain_decimal(node.Scalar()))
      return m_r.error(node, path,
                       fmt::format("permissions {} are read as decimal (= 0o{:o}); write octal "
                                   "as 0o{}",
                                   node.Scalar(), *value, node.Scalar()));
    out = static_cast<uint32_t>(*value);
    return {};
  }

  Status layering(const YAML::Node& node, const std::string& path, std::optional<Layering>& out) {
    if (node.IsNull()) {
      out.reset();  // a nil pointer in apko
      return {};
    }
    TRY_ASSIGN(auto fields, m_r.entries(node, path, k_layering_keys));
    Layering l;
    l.loc = m_r.loc(node);
    for (const YamlEntry& f : fields) {
      std::string fp = YamlReader::child(path, f.key);
      if (f.key == "strategy") {
        TRY_ASSIGN(l.strategy, m_r.string(f.value, fp));
      } else {
        TRY_ASSIGN(auto budget, m_r.integer(f.value, fp, std::numeric_limits<int64_t>::min(),
                                            std::numeric_limits<int64_t>::max()));
        l.budget = budget.value_or(0);
      }
    }
    out = std::move(l);
    return {};
  }

  Status certificates(const YAML::Node& node, const std::string& path,
                      std::optional<Certificates>& out) {
    if (node.IsNull()) {
      out.reset();
      return {};
    }
    TRY_ASSIGN(auto fields, m_r.entries(node, path, k_certificates_keys));
    Certificates certs;
    for (const YamlEntry& f : fields) {
      std::string fp = YamlReader::child(path, f.key);
      if (f.key == "additional") {
        TRY(named_contents(f.value, fp, certs.additional));
      } else {
        TRY_ASSIGN(certs.providers, m_r.string_list(f.value, fp));
      }
    }
    out = std::move(certs);
    return {};
  }

  YamlReader m_r;
};

}  // namespace

Result<ParsedDocument> parse_document(std::string_view yaml, std::string_view file_name) {
  // yaml-cpp reports syntax errors (and its own depth limit) by throwing; nothing escapes here.
  TRY(check_yaml_text(yaml, file_name));
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    Parser parser(file_name);
    return parser.document(root);
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return fail(Errc::bad_format, "{}: {}", file_name, e.msg);
    return fail(Errc::bad_format, "{}:{}:{}: {}", file_name, e.mark.line + 1, e.mark.column + 1,
                e.msg);
  } catch (const std::exception& e) {
    return fail(Errc::bad_format, "{}: cannot read YAML: {}", file_name, e.what());
  }
}

}  // namespace wisp::build::detail
