#include "sbom/layer_tree.h"

#include <gtest/gtest.h>

#include <zstd.h>

#include "io/gzip.h"
#include "io/sink.h"

namespace wisp::sbom {
namespace {

struct Item {
  std::string path;
  io::TarType type = io::TarType::file;
  std::string content;
  std::string link;
};

std::string tar_of(const std::vector<Item>& items) {
  std::string out;
  io::StringSink sink(out);
  io::TarWriter writer(sink);
  for (const Item& i : items) {
    io::TarEntry e;
    e.path = i.path;
    e.type = i.type;
    e.mode = i.type == io::TarType::directory ? 0755 : 0644;
    e.link_target = i.link;
    e.size = i.type == io::TarType::file ? i.content.size() : 0;
    EXPECT_TRUE(writer.add(e, i.type == io::TarType::file ? i.content : std::string()));
  }
  EXPECT_TRUE(writer.finish());
  return out;
}

TEST(LayerTree, KeepsWantedFilesOnly) {
  EXPECT_TRUE(LayerTree::wanted("etc/os-release"));
  EXPECT_TRUE(LayerTree::wanted("usr/lib/apk/db/installed"));
  EXPECT_TRUE(LayerTree::wanted("var/lib/dpkg/status"));
  EXPECT_TRUE(LayerTree::wanted("var/lib/dpkg/status.d/libc6"));
  EXPECT_TRUE(LayerTree::wanted("var/lib/db/sbom/x-1-r0.spdx.json"));
  EXPECT_FALSE(LayerTree::wanted("usr/bin/hello"));
  LayerTree tree;
  ASSERT_TRUE(tree.add_layer(tar_of({{"usr/bin/hello", io::TarType::file, "bin"}, {"etc/os-release", io::TarType::file, "ID=x\n"}})));
  EXPECT_EQ(tree.read("etc/os-release").value_or(""), "ID=x\n");
  EXPECT_FALSE(tree.read("usr/bin/hello"));  // present but not kept
  EXPECT_FALSE(tree.read("etc/missing"));
}

TEST(LayerTree, FollowsSymlinksLikeApkosLibApk) {
  LayerTree tree;
  ASSERT_TRUE(tree.add_layer(tar_of({{"usr/lib/apk/db", io::TarType::directory},
                                     {"usr/lib/apk/db/installed", io::TarType::file, "P:a\nV:1\n\n"},
                                     {"lib/apk", io::TarType::symlink, "", "../usr/lib/apk"},
                                     {"etc/os-release", io::TarType::symlink, "", "/usr/lib/os-release"},
                                     {"usr/lib/os-release", io::TarType::file, "ID=wolfi\n"},
                                     {"loop", io::TarType::symlink, "", "loop"}})));
  EXPECT_EQ(tree.read("lib/apk/db/installed").value_or(""), "P:a\nV:1\n\n");
  EXPECT_EQ(tree.read("etc/os-release").value_or(""), "ID=wolfi\n");
  EXPECT_FALSE(tree.read("loop"));
  EXPECT_EQ(tree.list("lib/apk/db"), std::vector<std::string>{"installed"});
}

TEST(LayerTree, LaterLayersReplaceAndWhiteoutsDelete) {
  LayerTree tree;
  ASSERT_TRUE(tree.add_layer(tar_of({{"var/lib/dpkg/status.d/a", io::TarType::file, "A"},
                                     {"var/lib/dpkg/status.d/b", io::TarType::file, "B"},
                                     {"etc/os-release", io::TarType::file, "ID=old\n"},
                                     {"var/lib/db/sbom/x.spdx.json", io::TarType::file, "{}"}})));
  ASSERT_TRUE(tree.add_layer(tar_of({{"var/lib/dpkg/status.d/.wh.a", io::TarType::file, ""},
                                     {"./etc/os-release", io::TarType::file, "ID=new\n"},
                                     {"var/lib/db/sbom/.wh..wh..opq", io::TarType::file, ""},
                                     {"var/lib/db/sbom/y.spdx.json", io::TarType::file, "{1}"},
                                     {"../escape/os-release", io::TarType::file, "no"}})));
  EXPECT_EQ(tree.list("var/lib/dpkg/status.d"), std::vector<std::string>{"b"});
  EXPECT_EQ(tree.read("etc/os-release").value_or(""), "ID=new\n");
  EXPECT_EQ(tree.list("var/lib/db/sbom"), std::vector<std::string>{"y.spdx.json"});
  // A file replacing a directory takes its children with it.
  ASSERT_TRUE(tree.add_layer(tar_of({{"var/lib/dpkg/status.d", io::TarType::file, "x"}})));
  EXPECT_TRUE(tree.list("var/lib/dpkg/status.d").empty());
}

TEST(LayerTree, HardlinksShareKeptBytes) {
  LayerTree tree;
  ASSERT_TRUE(tree.add_layer(tar_of({{"usr/lib/os-release", io::TarType::file, "ID=h\n"},
                                     {"etc/os-release", io::TarType::hardlink, "", "usr/lib/os-release"}})));
  EXPECT_EQ(tree.read("etc/os-release").value_or(""), "ID=h\n");
}

TEST(LayerTree, DecompressesByMagic) {
  std::string tar = tar_of({{"etc/os-release", io::TarType::file, "ID=z\n"}});
  EXPECT_EQ(decompress_layer(tar).value(), tar);
  EXPECT_EQ(decompress_layer(io::gzip_compress(tar)).value(), tar);
  std::string z(ZSTD_compressBound(tar.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), tar.data(), tar.size(), 3));
  EXPECT_EQ(decompress_layer(z).value(), tar);
  auto bomb = decompress_layer(io::gzip_compress(tar), 100);
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.error().code, Errc::too_large);
  EXPECT_FALSE(decompress_layer(z.substr(0, z.size() / 2)));
}

}  // namespace
}  // namespace wisp::sbom
