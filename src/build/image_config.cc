#include "build/image_config.h"

#include <set>

#include "base/strings.h"
#include "build/image_config_internal.h"

namespace wisp::build {
namespace {

// apko's certNameRegex, used for certificate and runtime key names (they become file names).
bool is_valid_entry_name(std::string_view name) {
  auto ok = [](char c, bool first) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || c == '_' || c == '-' || (!first && c == '.');
  };
  if (name.empty() || !ok(name[0], true)) return false;
  for (char c : name.substr(1))
    if (!ok(c, false)) return false;
  return true;
}

// Lists from an included base come first.
template <typename T>
void prepend(std::vector<T>& child, const std::vector<T>& base) {
  child.insert(child.begin(), base.begin(), base.end());
}

void trim_repositories(std::vector<std::string>& repos) {
  for (std::string& repo : repos) {
    // A Debian line keeps its slashes: "deb URI ./" names a flat repository by its '/'.
    if (repo.starts_with("deb ") || repo.starts_with("deb\t")) continue;
    while (!repo.empty() && repo.back() == '/') repo.pop_back();
  }
}

}  // namespace

std::string SourceLoc::str() const {
  std::string_view name = file.empty() ? std::string_view("<config>") : std::string_view(file);
  if (line == 0) return std::string(name);
  return fmt::format("{}:{}:{}", name, line, column);
}

std::string_view path_type_name(PathType type) {
  switch (type) {
    case PathType::directory:
      return "directory";
    case PathType::empty_file:
      return "empty-file";
    case PathType::hardlink:
      return "hardlink";
    case PathType::symlink:
      return "symlink";
    case PathType::permissions:
      return "permissions";
  }
  return "?";
}

bool ImageConfig::same_config(const ImageConfig& o) const {
  return contents == o.contents && entrypoint == o.entrypoint && cmd == o.cmd &&
         stop_signal == o.stop_signal && work_dir == o.work_dir && accounts == o.accounts &&
         archs == o.archs && environment == o.environment && paths == o.paths &&
         annotations == o.annotations && vcs_url == o.vcs_url && volumes == o.volumes &&
         include == o.include && layering == o.layering && format == o.format &&
         certificates == o.certificates;
}

void detail::normalize(ImageConfig& config) {
  trim_repositories(config.contents.repositories);
  trim_repositories(config.contents.build_repositories);
  trim_repositories(config.contents.runtime_repositories);
  for (User& user : config.accounts.users)
    if (user.homedir.empty() && !user.username.empty()) user.homedir = "/home/" + user.username;
}

void merge_base_into(const ImageConfig& base, ImageConfig& child) {
  // Mirrors apko's ImageConfiguration.MergeInto field by field. vcs-url and include are not
  // merged there, so a base's vcs-url is not inherited here either.
  if (child.entrypoint.empty()) child.entrypoint = base.entrypoint;
  if (child.cmd.empty()) child.cmd = base.cmd;
  if (child.stop_signal.empty()) child.stop_signal = base.stop_signal;
  if (child.work_dir.empty()) child.work_dir = base.work_dir;
  if (!child.layering) child.layering = base.layering;
  if (child.format.empty()) child.format = base.format;
  if (!child.certificates) child.certificates = base.certificates;
  if (child.archs.empty()) child.archs = base.archs;
  if (child.accounts.run_as.empty()) child.accounts.run_as = base.accounts.run_as;
  prepend(child.accounts.users, base.accounts.users);
  prepend(child.accounts.groups, base.accounts.groups);
  for (const auto& [key, value] : base.environment) child.environment.emplace(key, value);
  prepend(child.paths, base.paths);
  for (const auto& [key, value] : base.annotations) child.annotations.emplace(key, value);
  prepend(child.volumes, base.volumes);

  Contents& c = child.contents;
  const Contents& b = base.contents;
  prepend(c.keyring, b.keyring);
  prepend(c.runtime_keyring, b.runtime_keyring);
  prepend(c.build_repositories, b.build_repositories);
  prepend(c.runtime_repositories, b.runtime_repositories);
  prepend(c.repositories, b.repositories);
  prepend(c.packages, b.packages);
  prepend(c.exclude, b.exclude);
  if (!c.baseimage) c.baseimage = b.baseimage;
}

Status validate_image_config(const ImageConfig& config) {
  std::vector<std::string> problems;
  const std::string file = SourceLoc{config.config_file, 0, 0}.str();
  auto add = [&](const SourceLoc& loc, std::string message) {
    problems.push_back(fmt::format("{}: {}", loc.line ? loc.str() : file, message));
  };
  const SourceLoc top{config.config_file, 0, 0};

  std::set<std::string> names;
  for (const User& user : config.accounts.users) {
    if (user.username.empty()) {
      add(user.loc, fmt::format("a user (uid {}) has no username", user.uid));
      continue;
    }
    if (user.uid == 0)
      add(user.loc, fmt::format("user '{}' has uid 0 (to run as root, use 'run-as: 0' instead)",
                                user.username));
    if (!names.insert(user.username).second)
      add(user.loc, fmt::format("user '{}' is defined twice", user.username));
  }
  names.clear();
  for (const Group& group : config.accounts.groups) {
    if (group.groupname.empty()) {
      add(group.loc, fmt::format("a group (gid {}) has no groupname", group.gid));
      continue;
    }
    if (!names.insert(group.groupname).second)
      add(group.loc, fmt::format("group '{}' is defined twice", group.groupname));
  }

  for (const PathMutation& m : config.paths) {
    if (m.path.empty()) add(m.loc, fmt::format("a '{}' path mutation has no path", path_type_name(m.type)));
    if ((m.type == PathType::hardlink || m.type == PathType::symlink) && m.source.empty())
      add(m.loc, fmt::format("{} '{}' needs a 'source'", path_type_name(m.type), m.path));
    if (m.permissions && *m.permissions > 07777)
      add(m.loc, fmt::format("permissions 0o{:o} of '{}' are above 0o7777", *m.permissions, m.path));
  }

  if (!config.format.empty() && config.format != "tar" && config.format != "erofs")
    add(top, fmt::format("unknown format '{}' (expected tar or erofs)", config.format));
  if (config.layering) {
    const Layering& l = *config.layering;
    const SourceLoc& loc = l.loc.line ? l.loc : top;
    if (config.format == "erofs")
      add(loc, "layering cannot be combined with format erofs yet (use one or the other)");
    if (l.active()) {
      if (l.strategy != "origin")
        add(loc, fmt::format("unknown layering strategy '{}' (the only one is 'origin')", l.strategy));
      if (l.budget < 1) add(loc, fmt::format("layering budget {} must be at least 1", l.budget));
      if (config.contents.baseimage) add(loc, "layering cannot be combined with baseimage");
    }
  }

  if (config.certificates) {
    for (const NamedContent& cert : config.certificates->additional) {
      if (cert.name.empty())
        add(cert.loc, "an additional certificate has no name");
      else if (!is_valid_entry_name(cert.name))
        add(cert.loc, fmt::format("additional certificate name '{}' must match "
                                  "[A-Za-z0-9_-][A-Za-z0-9_.-]*",
                                  cert.name));
    }
  }
  names.clear();
  for (const NamedContent& key : config.contents.runtime_keyring) {
    if (key.name.empty()) {
      add(key.loc, "a runtime_keyring entry has no name");
      continue;
    }
    if (key.content.empty()) add(key.loc, fmt::format("runtime_keyring entry '{}' has no content", key.name));
    if (!is_valid_entry_name(key.name))
      add(key.loc, fmt::format("runtime_keyring name '{}' must match [A-Za-z0-9_-][A-Za-z0-9_.-]*",
                               key.name));
    if (!names.insert(key.name).second)
      add(key.loc, fmt::format("runtime_keyring entry '{}' is a duplicate", key.name));
  }

  const Entrypoint& ep = config.entrypoint;
  if (!ep.type.empty() && ep.type != "service-bundle")
    add(top, fmt::format("unknown entrypoint type '{}' (the only one is 'service-bundle')", ep.type));
  for (const auto& [name, command] : ep.services) {
    // Each service becomes the directory /sv/<name>.
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
      add(top, fmt::format("service name '{}' must be a single path component", name));
  }

  for (const std::string& arch : config.archs) {
    if (arch == "all" || arch == "host") continue;
    if (auto parsed = parse_arch(arch); !parsed) add(top, parsed.error().message);
  }

  size_t debian = 0, apk = 0;
  for (const auto* list : {&config.contents.repositories, &config.contents.build_repositories,
                           &config.contents.runtime_repositories}) {
    for (const std::string& line : *list) {
      auto repo = parse_repository(line);
      if (!repo) {
        add(top, repo.error().message);
        continue;
      }
      ++(repo->is_debian ? debian : apk);
    }
  }
  // One image, one package manager's view of the world: an APK package cannot depend on a .deb
  // (or the reverse), and the image can carry only one package database for scanners.
  if (debian && apk)
    add(top, "contents.repositories mixes Debian ('deb ...') and APK repositories; an image is built "
             "from one kind only");
  if (debian && (!config.contents.runtime_repositories.empty() || !config.contents.build_repositories.empty()))
    add(top, "Debian repositories go in contents.repositories (build_repositories and "
             "runtime_repositories are APK-only)");
  if (!debian && !config.contents.exclude.empty())
    add(top, "contents.exclude applies to Debian images only (an APK image drops a package by not "
             "depending on it)");

  if (config.contents.baseimage) {
    const bool others = !ep.empty() || !config.cmd.empty() || !config.stop_signal.empty() ||
                        !config.work_dir.empty() || !config.accounts.empty() ||
                        !config.environment.empty() || !config.paths.empty() ||
                        !config.annotations.empty();
    if (others)
      add(top, "with a baseimage, only contents, archs and include may be set");
  }

  if (problems.empty()) return {};
  return fail(Errc::usage, join(problems, "; "));
}

Result<std::vector<Arch>> resolved_archs(const ImageConfig& config) {
  if (config.archs.empty()) return std::vector<Arch>(all_archs().begin(), all_archs().end());
  return parse_archs(config.archs);
}

Result<ImageConfig> parse_image_config(std::string_view yaml, std::string_view file_name) {
  TRY_ASSIGN(detail::ParsedDocument doc, detail::parse_document(yaml, file_name));
  detail::normalize(doc.config);
  TRY(validate_image_config(doc.config));
  return std::move(doc.config);
}

}  // namespace wisp::build
