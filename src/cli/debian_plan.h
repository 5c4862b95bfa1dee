// The Debian side of `wisp build` and `wisp resolve`: an image file whose repositories are
// `deb ...` lines is resolved per architecture against those repositories' Packages indexes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "build/image_config.h"
#include "cli/resolve_common.h"
#include "image/deb_packages.h"
#include "pkg/deb/repository.h"
#include "pkg/repo/fetcher.h"

namespace wisp::cli {

/// True when the image file's repositories are Debian lines (validation already refused mixes).
bool is_debian_config(const build::ImageConfig& config);

/// Debian's name for an apk architecture: x86_64 amd64, aarch64 arm64, armv7 armhf, x86 i386,
/// ppc64le ppc64el, s390x, riscv64, loongarch64 loong64. Errc::unsupported for armhf (ARMv6
/// hard-float has no Debian port).
Result<std::string> debian_arch(std::string_view apk_arch);

struct DebianArchPlan {
  std::string apk_arch;
  std::string deb_arch;
  std::vector<image::DebSource> debs;  // install order
  std::vector<std::string> world;      // "name=version", in install order
};

struct DebianPlan {
  std::vector<DebianArchPlan> archs;
  std::unique_ptr<pkg::repo::Fetcher> fetcher;
};

/// Loads every repository for every arch and resolves contents.packages minus contents.exclude;
/// the resolver's notes (what `exclude` dropped) are printed. Errors name the arch.
Result<DebianPlan> plan_debian(const build::ImageConfig& config, const RepoFlags& flags);

}  // namespace wisp::cli
