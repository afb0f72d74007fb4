// Reading only regular files (a device, a FIFO or a directory is refused at once, never read
// forever or blocked on), and writing only over regular files (never replacing a device node, a
// FIFO or a symlink).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "test_util.hpp"

namespace finml {
namespace {

std::string ReadError(const std::string& path, std::size_t max = kMaxInputBytes) {
  try {
    (void)ReadFile(path, max);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

std::string WriteError(const std::string& path) {
  try {
    WriteFileAtomic(path, "x");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(Files, OnlyRegularFilesAreRead) {
  const std::string dir = testing::TempDir("files_read");
  EXPECT_NE(ReadError("/dev/zero").find("/dev/zero: is a device, not a file"), std::string::npos);
  EXPECT_NE(ReadError(dir).find("is a directory"), std::string::npos);
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(ReadError(fifo).find("is a FIFO"), std::string::npos) << "and it did not block";
  WriteFileAtomic(dir + "/big.yaml", std::string(2000, 'x'));
  EXPECT_NE(ReadError(dir + "/big.yaml", 1000).find("2000 bytes, more than the 1000"),
            std::string::npos);
  EXPECT_EQ(ReadFile(dir + "/big.yaml").size(), 2000u);
}

TEST(Files, OnlyRegularFilesAreReplaced) {
  const std::string dir = testing::TempDir("files_write");
  EXPECT_NE(WriteError("/dev/null").find("/dev/null: is a device"), std::string::npos);
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(WriteError(fifo).find("is a FIFO"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_fifo(fifo)) << "still the FIFO it was";
  WriteFileAtomic(dir + "/target.csv", "kept");
  std::filesystem::create_symlink(dir + "/target.csv", dir + "/link.csv");
  EXPECT_NE(WriteError(dir + "/link.csv").find("is a symbolic link"), std::string::npos);
  EXPECT_EQ(ReadFile(dir + "/target.csv"), "kept");
  EXPECT_NE(WriteError(dir).find("is a directory"), std::string::npos);
  WriteFileAtomic(dir + "/target.csv", "replaced");  // a regular file is replaced as before
  EXPECT_EQ(ReadFile(dir + "/target.csv"), "replaced");
}

TEST(Files, CsvFieldsCannotRunInASpreadsheet) {
  EXPECT_EQ(CsvField("AAPL"), "AAPL");
  EXPECT_EQ(CsvField("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Excerpt(std::string(10000, 'x'), 10), "xxxxxxxxxx... (10000 characters)");
}

}  // namespace
}  // namespace finml
