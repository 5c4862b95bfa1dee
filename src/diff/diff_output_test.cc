#include "diff/diff_output.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace wisp::diff {
namespace {

ImageDiff sample() {
  ImageDiff d;
  d.from = {.location = "oci:a", .digest = "sha256:aa", .arch = "x86_64", .os = "wolfi 1", .layers = 1,
            .size = 2000, .packages = 2};
  d.to = {.location = "oci:b", .digest = "sha256:bb", .arch = "x86_64", .os = "wolfi 1", .layers = 2,
          .size = 1500, .packages = 2};
  d.added = {{"zlib", "1.3-r0", "pkg:apk/wolfi/zlib@1.3-r0?arch=x86_64"}};
  d.removed = {{"a|b", "1-r0", "pkg:apk/wolfi/a%7Cb@1-r0?arch=x86_64"}};
  d.changed = {{"glibc", {"2.38-r2", "pkg:apk/wolfi/glibc@2.38-r2?arch=x86_64"},
                {"2.38-r1", "pkg:apk/wolfi/glibc@2.38-r1?arch=x86_64"}}};
  d.warnings = {"something odd"};
  return d;
}

TEST(DiffImagesOutput, JsonHasChainctlsShapeAndTheImageExtension) {
  ImageDiff d = sample();
  d.vulnerabilities_compared = true;
  d.vulnerabilities_removed = {{"CVE-2023-1", "wolfi:distro:wolfi:rolling", "High"}};
  auto doc = nlohmann::json::parse(write_json(d));
  EXPECT_EQ(doc["packages"]["added"][0]["name"], "zlib");
  EXPECT_EQ(doc["packages"]["added"][0]["version"], "1.3-r0");
  EXPECT_EQ(doc["packages"]["added"][0]["reference"], "pkg:apk/wolfi/zlib@1.3-r0?arch=x86_64");
  EXPECT_EQ(doc["packages"]["removed"][0]["name"], "a|b");
  EXPECT_EQ(doc["packages"]["changed"][0]["name"], "glibc");
  EXPECT_EQ(doc["packages"]["changed"][0]["current"]["version"], "2.38-r2");
  EXPECT_EQ(doc["packages"]["changed"][0]["previous"]["reference"], "pkg:apk/wolfi/glibc@2.38-r1?arch=x86_64");
  EXPECT_TRUE(doc["vulnerabilities"]["added"].is_array());
  EXPECT_TRUE(doc["vulnerabilities"]["added"].empty());
  EXPECT_EQ(doc["vulnerabilities"]["removed"][0],
            (nlohmann::json{{"id", "CVE-2023-1"}, {"reference", "wolfi:distro:wolfi:rolling"}, {"severity", "High"}}));
  EXPECT_EQ(doc["image"]["sizeDelta"], -500);
  EXPECT_EQ(doc["image"]["layersDelta"], 1);
  EXPECT_EQ(doc["image"]["from"]["location"], "oci:a");
  EXPECT_EQ(doc["image"]["to"]["digest"], "sha256:bb");
  EXPECT_EQ(doc["image"]["to"]["size"], 1500);
  EXPECT_EQ(doc["warnings"], nlohmann::json::array({"something odd"}));
}

TEST(DiffImagesOutput, JsonListsAreAlwaysPresentAndVulnerabilitiesOnlyWhenCompared) {
  auto doc = nlohmann::json::parse(write_json(ImageDiff{}));
  EXPECT_TRUE(doc["packages"]["added"].is_array());
  EXPECT_TRUE(doc["packages"]["removed"].is_array());
  EXPECT_TRUE(doc["packages"]["changed"].is_array());
  EXPECT_TRUE(doc["warnings"].is_array());
  EXPECT_FALSE(doc.contains("vulnerabilities"));
  EXPECT_EQ(doc["image"]["sizeDelta"], 0);
}

TEST(DiffImagesOutput, MarkdownHasTablesAndEscapesPipes) {
  ImageDiff d = sample();
  d.vulnerabilities_compared = true;
  d.vulnerabilities_added = {{"CVE-2023-2", "wolfi:distro:wolfi:rolling", "Low"}};
  std::string md = write_markdown(d);
  EXPECT_NE(md.find("| size | 2.0 kB | 1.5 kB | -500 B |"), std::string::npos) << md;
  EXPECT_NE(md.find("| layers | 1 | 2 | +1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("### Added packages (1)\n\n| Name | Version | Reference |\n|---|---|---|\n| zlib | 1.3-r0 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| a\\|b | 1-r0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| glibc | 2.38-r1 | 2.38-r2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("### Added vulnerabilities (1)"), std::string::npos) << md;
  EXPECT_NE(md.find("| CVE-2023-2 | Low | `wolfi:distro:wolfi:rolling` |"), std::string::npos) << md;
  EXPECT_NE(md.find("### Removed vulnerabilities (0)\n\nNone."), std::string::npos) << md;
  EXPECT_NE(md.find("- something odd"), std::string::npos) << md;
}

TEST(DiffImagesOutput, MarkdownWithoutVulnerabilitiesHasNoSuchSection) {
  std::string md = write_markdown(sample());
  EXPECT_EQ(md.find("vulnerabilities"), std::string::npos) << md;
}

TEST(DiffImagesOutput, TextSummarises) {
  ImageDiff d = sample();
  d.vulnerabilities_compared = true;
  d.vulnerabilities_removed = {{"CVE-2023-1", "", "High"}};
  std::string text = write_text(d);
  EXPECT_NE(text.find("FROM oci:a@sha256:aa (x86_64, wolfi 1): 2 packages, 1 layer, 2.0 kB\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("size -500 B, layers +1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("packages: 1 added, 1 removed, 1 changed\n  + zlib 1.3-r0\n  - a|b 1-r0\n"
                      "  ~ glibc 2.38-r1 -> 2.38-r2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vulnerabilities: 0 added, 1 removed\n  - CVE-2023-1 (High)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("warning: something odd\n"), std::string::npos) << text;
}

TEST(DiffImagesOutput, HumanSizes) {
  EXPECT_EQ(human_size(0), "0 B");
  EXPECT_EQ(human_size(999), "999 B");
  EXPECT_EQ(human_size(1000), "1.0 kB");
  EXPECT_EQ(human_size(1234567), "1.2 MB");
  EXPECT_EQ(human_size(999999), "1.0 MB");
  EXPECT_EQ(human_size(uint64_t{3} << 30), "3.2 GB");
  EXPECT_EQ(human_size_delta(10, 10), "0 B");
  EXPECT_EQ(human_size_delta(10, 2010), "+2.0 kB");
  EXPECT_EQ(human_size_delta(2010, 10), "-2.0 kB");
}

}  // namespace
}  // namespace wisp::diff
