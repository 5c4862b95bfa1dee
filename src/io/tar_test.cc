#include "io/tar.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "base/digest.h"
#include "base/encoding.h"
#include "io/tar_format.h"

namespace wisp::io {
namespace {

namespace tf = tar_format;
using namespace std::literals;

struct Item {
  TarEntry entry;
  std::string content;
};

TarEntry make(std::string path, TarType type = TarType::file, std::string_view content = {}) {
  TarEntry e;
  e.path = std::move(path);
  e.type = type;
  e.size = type == TarType::file ? content.size() : 0;
  e.mode = type == TarType::directory ? 0755 : 0644;
  e.mtime = 1700000000;
  e.uname = "root";
  e.gname = "root";
  return e;
}

std::string write_tar(const std::vector<Item>& items, TarWriterOptions options = {}, bool finish = true) {
  std::string out;
  StringSink sink(out);
  TarWriter writer(sink, options);
  for (const auto& item : items) {
    auto st = writer.add(item.entry, item.content);
    EXPECT_TRUE(st) << st.error().message;
  }
  if (finish) {
    EXPECT_TRUE(writer.finish());
  }
  EXPECT_EQ(writer.bytes_written(), out.size());
  return out;
}

std::vector<Item> read_all(std::string_view tar, TarReaderOptions options = {}) {
  std::vector<Item> items;
  TarReader reader(tar, options);
  for (;;) {
    auto next = reader.next();
    EXPECT_TRUE(next) << next.error().message;
    if (!next || !*next) break;
    items.push_back({std::move(**next), std::string(reader.content())});
  }
  return items;
}

/// Reads to the end and returns the first error (Errc::internal with "none" if there is none).
Error read_error(std::string_view tar, TarReaderOptions options = {}) {
  TarReader reader(tar, options);
  for (int i = 0; i < 10000; ++i) {
    auto next = reader.next();
    if (!next) return next.error();
    if (!*next) break;
  }
  return Error{Errc::internal, "none"};
}

/// Overwrites a header field and recomputes the header checksum.
void patch(std::string& tar, size_t header_at, tf::Field f, std::string_view bytes) {
  tar.replace(header_at + f.offset, bytes.size(), bytes);
  std::string_view block(tar.data() + header_at, tf::k_block);
  std::string sum = fmt::format("{:06o}", tf::header_checksums(block).unsigned_sum);
  tar.replace(header_at + tf::k_checksum.offset, 6, sum);
}

std::vector<Item> every_kind() {
  std::vector<Item> items;
  items.push_back({make("etc", TarType::directory), ""});
  items.push_back({make("etc/hosts", TarType::file, "127.0.0.1 localhost\n"), "127.0.0.1 localhost\n"});
  items.push_back({make("etc/empty"), ""});
  std::string long_dir(150, 'd');
  std::string long_name = long_dir + "/" + std::string(149, 'f');  // 300 bytes
  items.push_back({make(long_dir, TarType::directory), ""});
  items.push_back({make(long_name, TarType::file, "long"), "long"});
  TarEntry link = make("etc/link", TarType::symlink);
  link.link_target = "/" + long_name;
  link.mode = 0777;
  items.push_back({link, ""});
  TarEntry hard = make("etc/hard", TarType::hardlink);
  hard.link_target = "etc/hosts";
  items.push_back({hard, ""});
  TarEntry dev = make("dev/null", TarType::chardev);
  dev.devmajor = 1;
  dev.devminor = 3;
  dev.mode = 0666;
  items.push_back({dev, ""});
  TarEntry blk = make("dev/sda", TarType::blockdev);
  blk.devmajor = 8;
  items.push_back({blk, ""});
  items.push_back({make("run/fifo", TarType::fifo), ""});
  TarEntry owned = make("home/user/file", TarType::file, "x");
  owned.uid = 3000000;
  owned.gid = 3000001;
  owned.uname = std::string(40, 'u');
  owned.gname = "nonroot";
  owned.mode = 04755;
  owned.mtime = -100;
  items.push_back({owned, "x"});
  TarEntry future = make("future", TarType::file, "");
  future.mtime = int64_t{1} << 40;
  items.push_back({future, ""});
  TarEntry ancient = make("ancient", TarType::file, "");
  ancient.mtime = std::numeric_limits<int64_t>::min();
  items.push_back({ancient, ""});
  TarEntry checked = make("usr/bin/hello", TarType::file, "hi");
  checked.pax["APK-TOOLS.checksum.SHA1"] = hex_encode(sha1("hi"));
  checked.pax["SCHILY.xattr.security.capability"] = std::string("\x01\0\0\x02\n=", 6);
  items.push_back({checked, "hi"});
  return items;
}

TEST(Tar, RoundTripEveryKind) {
  std::vector<Item> items = every_kind();
  std::string tar = write_tar(items);
  EXPECT_EQ(tar.size() % 512, 0u);
  std::vector<Item> back = read_all(tar);
  ASSERT_EQ(back.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const TarEntry& a = items[i].entry;
    const TarEntry& b = back[i].entry;
    SCOPED_TRACE(a.path);
    EXPECT_EQ(b.path, a.path);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.mode, a.mode);
    EXPECT_EQ(b.uid, a.uid);
    EXPECT_EQ(b.gid, a.gid);
    EXPECT_EQ(b.uname, a.uname);
    EXPECT_EQ(b.gname, a.gname);
    EXPECT_EQ(b.mtime, a.mtime);
    EXPECT_EQ(b.link_target, a.link_target);
    EXPECT_EQ(b.devmajor, a.devmajor);
    EXPECT_EQ(b.devminor, a.devminor);
    EXPECT_EQ(b.size, a.size);
    EXPECT_EQ(b.pax, a.pax);
    EXPECT_EQ(back[i].content, items[i].content);
  }
}

TEST(Tar, OutputIsByteExactAndDeterministic) {
  std::string a = write_tar(every_kind());
  EXPECT_EQ(a, write_tar(every_kind()));
  // Pin the exact format: any change to it changes package hashes downstream.
  std::string small = write_tar({{make("a", TarType::directory), ""}, {make("a/b", TarType::file, "hi"), "hi"}});
  ASSERT_EQ(small.size(), 512u * 3 + 1024);
  std::string_view h(small.data() + 512, 512);
  EXPECT_EQ(h.substr(0, 4), std::string_view("a/b\0", 4));
  EXPECT_EQ(h.substr(100, 8), std::string_view("0000644\0", 8));
  EXPECT_EQ(h.substr(124, 12), std::string_view("00000000002\0", 12));
  EXPECT_EQ(h.substr(136, 12), std::string_view("14524770400\0", 12));
  EXPECT_EQ(h.substr(148, 8).substr(6), std::string_view("\0 ", 2));
  EXPECT_EQ(h.substr(257, 8), std::string_view("ustar\x00" "00", 8));
  EXPECT_EQ(h.substr(265, 5), std::string_view("root\0", 5));
  EXPECT_EQ(small.substr(1024, 3), "hi\0"sv);
  EXPECT_EQ(small.substr(0, 3), "a/\0"sv) << "directories are written with a trailing slash";
  EXPECT_EQ(hex_encode(sha256(small)), "69c80e54919d8184f492f52b7f64e2f5882345e97495334ddc9ab66c4b2e5c27");
}

TEST(Tar, PaxHeaderLayout) {
  TarEntry e = make("usr/bin/hello", TarType::file, "hi");
  e.pax["b"] = "2";
  e.pax["a"] = "1";
  std::string tar = write_tar({{e, "hi"}}, {}, false);
  std::string_view pax_header(tar.data(), 512);
  EXPECT_EQ(pax_header.substr(0, 27), std::string_view("usr/bin/PaxHeaders.0/hello\0", 27));
  EXPECT_EQ(pax_header[156], 'x');
  EXPECT_EQ(pax_header.substr(100, 8), std::string_view("0000644\0", 8));
  EXPECT_EQ(pax_header.substr(265, 1), std::string_view("\0", 1));
  EXPECT_EQ(tar.substr(512, 12), "6 a=1\n6 b=2\n");
  EXPECT_EQ(tar.size(), 4u * 512) << "pax header, records, entry header, content; no end marker";

  std::string top = write_tar({{make(std::string(120, 'n')), ""}}, {}, false);
  EXPECT_EQ(top.substr(0, 13), "PaxHeaders.0/");
  // Records are sorted by key, "path" among them; LEN counts its own digits (99 -> 100 -> 101).
  EXPECT_EQ(top.substr(512, 15), "130 path=" + std::string(6, 'n'));
  TarEntry edge = make("e");
  edge.pax["k"] = std::string(94, 'v');  // body 1 + 94 + 3 = 98: 98 + 2 = 100 needs 3 digits
  EXPECT_EQ(write_tar({{edge, ""}}, {}, false).substr(512, 7), "101 k=v");

  std::string always = write_tar({{make("short"), ""}}, {.pax_only_when_needed = false}, false);
  EXPECT_EQ(always[156], 'x');
  EXPECT_EQ(always.substr(512, 14), "14 path=short\n");
  EXPECT_EQ(write_tar({{make("short"), ""}}, {}, false).size(), 512u) << "no PAX when not needed";
}

TEST(Tar, WriterRefusesBadEntries) {
  std::string out;
  StringSink sink(out);
  TarWriter w(sink);
  EXPECT_EQ(w.add(make(""), "").error().code, Errc::usage);
  EXPECT_EQ(w.add(make("a"), "content without size").error().code, Errc::usage);
  EXPECT_EQ(w.add(make("d", TarType::directory), "x").error().code, Errc::usage);
  EXPECT_EQ(w.add(make(std::string("a\0b", 3)), "").error().code, Errc::usage);
  TarEntry bad_mode = make("m");
  bad_mode.mode = 0100644;
  EXPECT_EQ(w.add(bad_mode).error().code, Errc::usage);
  TarEntry bad_type = make("t");
  bad_type.type = static_cast<TarType>('S');
  EXPECT_EQ(w.add(bad_type).error().code, Errc::usage);
  TarEntry mapped = make("p");
  mapped.pax["path"] = "other";
  EXPECT_EQ(w.add(mapped).error().code, Errc::usage);
  TarEntry eq = make("q");
  eq.pax["a=b"] = "c";
  EXPECT_EQ(w.add(eq).error().code, Errc::usage);
  TarEntry dev = make("dev", TarType::chardev);
  dev.devmajor = 1u << 22;
  EXPECT_EQ(w.add(dev).error().code, Errc::unsupported);
  EXPECT_TRUE(out.empty()) << "nothing written for refused entries";
}

TEST(Tar, StreamedContentMatchesAdd) {
  std::string content(3000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  TarEntry file = make("big", TarType::file, content);
  std::string expected = write_tar({{make("d", TarType::directory), ""}, {file, content}});

  std::string out;
  StringSink sink(out);
  TarWriter w(sink);
  ASSERT_TRUE(w.add(make("d", TarType::directory)));
  ASSERT_TRUE(w.add_header(file));
  EXPECT_EQ(w.add(make("other")).error().code, Errc::usage) << "entry still open";
  EXPECT_EQ(w.finish().error().code, Errc::usage);
  for (size_t at = 0; at < content.size(); at += 1000)
    ASSERT_TRUE(w.write_content(std::string_view(content).substr(at, 1000)));
  ASSERT_TRUE(w.end_content());
  ASSERT_TRUE(w.finish());
  EXPECT_EQ(out, expected);
}

TEST(Tar, StreamedContentMustMatchTheSize) {
  std::string out;
  StringSink sink(out);
  TarWriter w(sink);
  EXPECT_EQ(w.write_content("x").error().code, Errc::usage) << "no entry open";
  EXPECT_EQ(w.end_content().error().code, Errc::usage);
  TarEntry file = make("f", TarType::file, "abcd");
  ASSERT_TRUE(w.add_header(file));
  ASSERT_TRUE(w.write_content("abc"));
  EXPECT_EQ(w.end_content().error().code, Errc::usage) << "one byte short";
  EXPECT_EQ(w.write_content("de").error().code, Errc::usage) << "one byte too many";
  ASSERT_TRUE(w.write_content("d"));
  EXPECT_TRUE(w.end_content());
}

TEST(Tar, ReaderAcceptsVariants) {
  std::string tar = write_tar({{make("f", TarType::file, "abc"), "abc"}});
  // Signed-sum checksum (an old writer bug) is accepted: make a byte >= 0x80 in the name.
  std::string high = tar;
  high[1] = '\xe9';
  std::string_view block(high.data(), 512);
  int32_t signed_sum = tf::header_checksums(block).signed_sum;
  high.replace(148, 7, fmt::format("{:06o}", signed_sum) + std::string(1, '\0'));
  auto items = read_all(high);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].entry.path, "f\xe9");

  // GNU magic, base-256 numbers, prefix ignored for GNU but joined for POSIX.
  std::string gnu = tar;
  patch(gnu, 0, tf::k_magic, std::string_view("ustar  \0", 8));
  patch(gnu, 0, tf::k_uid, std::string_view("\x80\0\0\0\0\x2d\xc6\xc0", 8));  // 3000000
  patch(gnu, 0, tf::k_mtime, std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe", 12));
  patch(gnu, 0, tf::k_prefix, "ignored");
  items = read_all(gnu);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].entry.uid, 3000000u);
  EXPECT_EQ(items[0].entry.mtime, -2);
  EXPECT_EQ(items[0].entry.path, "f");
  std::string posix = tar;
  patch(posix, 0, tf::k_prefix, "some/dir");
  EXPECT_EQ(read_all(posix)[0].entry.path, "some/dir/f");

  // Type '\0' and '7' are files; '\0' with a trailing slash is a directory.
  std::string old = tar;
  patch(old, 0, tf::k_typeflag, std::string_view("\0", 1));
  EXPECT_EQ(read_all(old)[0].entry.type, TarType::file);
  patch(old, 0, tf::k_typeflag, "7");
  EXPECT_EQ(read_all(old)[0].entry.type, TarType::file);
  std::string dir = write_tar({{make("d", TarType::directory), ""}});
  patch(dir, 0, tf::k_typeflag, std::string_view("\0", 1));
  EXPECT_EQ(read_all(dir)[0].entry.type, TarType::directory);
  EXPECT_EQ(read_all(dir)[0].entry.path, "d");

  // Zero blocks after the end marker are fine; so is a stream without it when allowed.
  EXPECT_EQ(read_all(tar + std::string(5000, '\0')).size(), 1u);
  std::string cut = tar.substr(0, tar.size() - 1024);
  EXPECT_EQ(read_all(cut, {.require_end_marker = false}).size(), 1u);
  EXPECT_EQ(read_all(cut + std::string(512, '\0'), {.require_end_marker = false}).size(), 1u);
  EXPECT_EQ(read_all("", {.require_end_marker = false}).size(), 0u);
}

TEST(Tar, PaxRecordsMapToFields) {
  TarEntry e = make("short");
  e.pax["comment"] = "c";
  std::string tar = write_tar({{e, ""}});
  // Replace the records with mapped keys of various shapes.
  std::string records = "29 path=from/pax/long/name/x\n" "20 mtime=-10.500000\n" "12 uid=4242\n";
  std::string fixed = tar;
  fixed.replace(512, records.size(), records);
  patch(fixed, 0, tf::k_size, fmt::format("{:011o}", records.size()));
  auto items = read_all(fixed);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].entry.path, "from/pax/long/name/x");
  EXPECT_EQ(items[0].entry.mtime, -11);
  EXPECT_EQ(items[0].entry.uid, 4242u);
  EXPECT_TRUE(items[0].entry.pax.empty());
}

TEST(Tar, HostileInputs) {
  std::string tar = write_tar(every_kind());
  // Truncation at any block boundary or inside a block.
  for (size_t n = 0; n < tar.size(); n += 256) {
    Error e = read_error(std::string_view(tar).substr(0, n));
    EXPECT_EQ(e.code, Errc::bad_format) << "prefix " << n << ": " << e.message;
  }
  EXPECT_NE(read_error(tar.substr(0, 512 + 100)).message.find("truncated"), std::string::npos);

  std::string bad_sum = tar;
  bad_sum[0] ^= 1;
  EXPECT_NE(read_error(bad_sum).message.find("checksum"), std::string::npos);

  std::string no_magic = tar;
  patch(no_magic, 0, tf::k_magic, "ustax");
  EXPECT_NE(read_error(no_magic).message.find("magic"), std::string::npos);

  std::string one = write_tar({{make("f", TarType::file, "abc"), "abc"}});
  std::string huge = one;
  patch(huge, 0, tf::k_size, "00000010000");
  EXPECT_NE(read_error(huge).message.find("truncated"), std::string::npos);

  std::string garbage = one + "x";
  EXPECT_NE(read_error(garbage).message.find("after the end-of-archive"), std::string::npos);
  EXPECT_EQ(read_error(one + std::string(512, '\0') + one).code, Errc::bad_format);
  std::string lone = one.substr(0, 1024) + std::string(512, '\0') + one;
  EXPECT_NE(read_error(lone).message.find("lone zero block"), std::string::npos);

  std::string dir_with_data = write_tar({{make("d", TarType::directory), ""}});
  patch(dir_with_data, 0, tf::k_size, "00000000001");
  EXPECT_EQ(read_error(dir_with_data).code, Errc::bad_format);

  std::string sparse = one;
  patch(sparse, 0, tf::k_typeflag, "S");
  EXPECT_EQ(read_error(sparse).code, Errc::unsupported);

  std::string bad_number = one;
  patch(bad_number, 0, tf::k_mode, "0006x4\0");
  EXPECT_EQ(read_error(bad_number).code, Errc::bad_format);

  EXPECT_EQ(read_error(one, {.max_entry_size = 2}).code, Errc::too_large);
  EXPECT_EQ(read_error(write_tar(every_kind()), {.max_pax_size = 50}).code, Errc::too_large);

  // Errors are sticky.
  TarReader reader(bad_sum);
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.next());
}

TEST(Tar, MalformedPaxRecords) {
  TarEntry e = make("f");
  e.pax["k"] = "vvvvv";  // "12 k=vvvvv\n" -> 11 bytes; patch variations of the same length
  std::string tar = write_tar({{e, ""}});
  ASSERT_EQ(tar.substr(512, 11), "11 k=vvvvv\n");
  for (std::string bad : {"12 k=vvvvv\n", "10 k=vvvvv\n", "11 k=vvvvvX", "11 =vvvvvv\n",
                          "11 kvvvvvv\n", "xx k=vvvvv\n", " 1 k=vvvvv\n", "1"}) {
    std::string t = tar;
    t.replace(512, bad.size(), bad);
    if (bad.size() != 11) patch(t, 0, tf::k_size, fmt::format("{:011o}", bad.size()));
    Error err = read_error(t);
    EXPECT_EQ(err.code, Errc::bad_format) << bad;
    EXPECT_NE(err.message.find("PAX"), std::string::npos) << err.message;
  }
  // A PAX header must be followed by its entry.
  EXPECT_EQ(read_error(tar.substr(0, 1024), {.require_end_marker = false}).code, Errc::bad_format);
  EXPECT_EQ(read_error(tar.substr(0, 1024) + std::string(1024, '\0')).code, Errc::bad_format);
}

TEST(Tar, GnuLongNamesAndGlobalHeaders) {
  std::string name(200, 'L');
  std::string link(150, 'K');
  // Build 'L', 'K' and 'g' headers by hand from writer output, then the real entry.
  auto meta = [](char type, std::string_view data) {
    std::string t = write_tar({{make("././@LongLink", TarType::file, data), std::string(data)}}, {}, false);
    patch(t, 0, tf::k_typeflag, std::string(1, type));
    return t;
  };
  TarEntry sym = make("short", TarType::symlink);
  sym.link_target = "t";
  std::string tar = meta('g', "16 comment=glob\n") + meta('L', name + '\0') + meta('K', link) +
                    write_tar({{sym, ""}});
  auto items = read_all(tar);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].entry.path, name);
  EXPECT_EQ(items[0].entry.link_target, link);
  EXPECT_TRUE(items[0].entry.pax.empty()) << "global records are not applied";
  EXPECT_EQ(read_error(meta('g', "16 comment=glo\n")).code, Errc::bad_format);
}

}  // namespace
}  // namespace wisp::io
