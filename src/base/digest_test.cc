#include "base/digest.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace wisp {

TEST(Digest, KnownVectors) {
  EXPECT_EQ(hex_encode(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_digest_string(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, IncrementalEqualsOneShot) {
  Hasher h(DigestAlg::sha256);
  h.update("a");
  h.update("bc");
  EXPECT_EQ(h.finish(), sha256("abc"));
  h.update("abc");  // reusable after finish()
  EXPECT_EQ(h.finish(), sha256("abc"));
}

}  // namespace wisp
