#include <gtest/gtest.h>

#include <string>

#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"
#include "test_util.hpp"

namespace finml {

// FIPS 180-2 appendix B test vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileMatchesBuffer) {
  std::string dir = testing::TempDir("sha");
  std::string text(100000, 'x');
  WriteFileAtomic(dir + "/f.txt", text);
  EXPECT_EQ(Sha256File(dir + "/f.txt"), Sha256Hex(text));
  EXPECT_THROW((void)Sha256File(dir + "/missing.txt"), IoError);
}

TEST(Files, AtomicWriteLeavesNoTemporary) {
  std::string dir = testing::TempDir("atomic");
  WriteFileAtomic(dir + "/out.csv", "a,b\n1,2\n");
  WriteFileAtomic(dir + "/out.csv", "replaced\n");
  EXPECT_EQ(ReadFile(dir + "/out.csv"), "replaced\n");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

}  // namespace finml
