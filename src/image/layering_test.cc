#include "image/layering.h"

#include <gtest/gtest.h>

namespace wisp::image {
namespace {

InstalledPackage pkg(std::string name, std::string origin, uint64_t size, std::vector<std::string> replaces = {}) {
  InstalledPackage p;
  p.package.info.name = std::move(name);
  p.package.info.origin = std::move(origin);
  p.package.info.installed_size = size;
  p.package.info.replaces = std::move(replaces);
  return p;
}

TEST(Layering, GroupsByOriginMergesReplacesAndOrdersBySize) {
  std::vector<InstalledPackage> installed = {
      pkg("glibc", "glibc", 100), pkg("glibc-locale", "glibc", 50),  // one origin: 150
      pkg("openssl", "openssl", 120),                                //
      pkg("busybox", "busybox", 10), pkg("toybox", "toybox", 10, {"busybox"}),  // replaces: 20
      pkg("tzdata", "tzdata", 5),
  };
  auto layers = plan_origin_layers(installed, 3);
  ASSERT_EQ(layers.size(), 4u);  // 2 group layers, overflow, final
  EXPECT_EQ(layers[0].owners, (std::vector<int>{0, 1}));
  EXPECT_EQ(layers[1].owners, (std::vector<int>{2}));
  EXPECT_EQ(layers[2].owners, (std::vector<int>{3, 4, 5}));  // busybox+toybox and tzdata share
  EXPECT_TRUE(layers[3].owners.empty());
  EXPECT_EQ(layers[0].comment, "origin glibc (2 packages)");

  // A budget beyond the groups: every group its own layer, no overflow.
  EXPECT_EQ(plan_origin_layers(installed, 10).size(), 5u);
  // Budget 1: all packages in one layer, then the final layer.
  auto one = plan_origin_layers(installed, 1);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].owners.size(), 6u);
}

}  // namespace
}  // namespace wisp::image
