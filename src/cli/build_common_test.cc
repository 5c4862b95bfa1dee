#include "cli/build_common.h"

#include <gtest/gtest.h>

#include "base/file.h"

namespace wisp::cli {
namespace {

std::string digest(char c) { return "sha256:" + std::string(64, c); }

struct Built {
  Built() {
    image.index_descriptor = oci::Descriptor{};
    image.index_descriptor->digest = digest('0');
    for (auto [name, c] : {std::pair{"x86_64", 'a'}, std::pair{"aarch64", 'b'}}) {
      BuiltArch arch{*build::parse_arch(name), {}, 1};
      arch.manifest.digest = digest(c);
      image.archs.push_back(arch);
    }
  }
  BuiltImage image;
};

std::vector<std::string> names(const std::vector<SbomFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path.filename().string() + " " + f.type);
  return out;
}

TEST(SbomFilesFor, EachDigestGetsItsOwnDocumentsThatExist) {
  auto dir = *TempDir::create("wisp-sbom-files");
  for (const char* name : {"sbom-index.spdx.json", "sbom-x86_64.spdx.json", "sbom-x86_64.cdx.json",
                           "sbom-aarch64.spdx.json"})
    ASSERT_TRUE(write_file_atomic(dir.path() / name, "{}"));
  Built b;
  EXPECT_EQ(names(sbom_files_for(b.image, digest('0'), dir.path())),
            (std::vector<std::string>{"sbom-index.spdx.json spdxjson"}));
  EXPECT_EQ(names(sbom_files_for(b.image, digest('a'), dir.path())),
            (std::vector<std::string>{"sbom-x86_64.spdx.json spdxjson", "sbom-x86_64.cdx.json cyclonedx"}));
  // No CycloneDX file for aarch64: only its SPDX document.
  EXPECT_EQ(names(sbom_files_for(b.image, digest('b'), dir.path())),
            (std::vector<std::string>{"sbom-aarch64.spdx.json spdxjson"}));
  EXPECT_TRUE(sbom_files_for(b.image, digest('c'), dir.path()).empty());
}

TEST(SbomFilesFor, FlatLayoutHasNoIndexDocument) {
  auto dir = *TempDir::create("wisp-sbom-files");
  ASSERT_TRUE(write_file_atomic(dir.path() / "sbom-index.spdx.json", "{}"));
  Built b;
  b.image.index_descriptor.reset();
  EXPECT_TRUE(sbom_files_for(b.image, digest('0'), dir.path()).empty());
}

}  // namespace
}  // namespace wisp::cli
