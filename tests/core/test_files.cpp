// Reading only regular files (a device, a FIFO or a directory is refused at once, never read
// forever or blocked on), and writing only over regular files (never replacing a device node, a
// FIFO or a symlink).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/mapped_file.hpp"
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

// A mapped input that another process cuts short must not end this process with SIGBUS: the
// reader gets zeros where the bytes were, and knows the file shrank.
TEST(MappedFile, AFileCutShortWhileMappedReadsAsZerosAndSaysItShrank) {
  const std::string path = testing::TempDir("mapped_file") + "/cut.csv";
  const std::size_t size = 5 * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) + 100;
  WriteFileAtomic(path, std::string(size, 'a'));
  const MappedFile file(path);
  ASSERT_TRUE(file.Mapped());
  EXPECT_FALSE(file.Shrank());
  ASSERT_EQ(::truncate(path.c_str(), 10), 0);
  // Every page past the new end would have raised SIGBUS here.
  const auto text = file.text();
  ASSERT_EQ(text.size(), size);
  const auto kept = static_cast<std::size_t>(std::count(text.begin(), text.end(), 'a'));
  EXPECT_LT(kept, size);
  EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\0')), size - kept);
  EXPECT_TRUE(file.Shrank());

  // A mapping made after the cut is whole again, and unaffected.
  WriteFileAtomic(path, "date,close\n2020-01-01,1\n");
  const MappedFile again(path);
  EXPECT_EQ(again.text(), "date,close\n2020-01-01,1\n");
  EXPECT_FALSE(again.Shrank());
}

TEST(MappedFile, WhatMmapCannotTakeIsReadAsACopy) {
  const std::string dir = testing::TempDir("mapped_copy");
  WriteFileAtomic(dir + "/empty.csv", "");
  const MappedFile empty(dir + "/empty.csv");
  EXPECT_FALSE(empty.Mapped());
  EXPECT_EQ(empty.text(), "");
  try {
    const MappedFile missing(dir + "/missing.csv");
    FAIL() << "expected an error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos);
  }
  // More files open at once than the guard has places for: the rest are copies, all readable.
  std::vector<std::unique_ptr<MappedFile>> many;
  for (int i = 0; i < 80; ++i) {
    const std::string path = dir + "/f" + std::to_string(i) + ".csv";
    WriteFileAtomic(path, std::to_string(i));
    many.push_back(std::make_unique<MappedFile>(path));
    EXPECT_EQ(many.back()->text(), std::to_string(i));
  }
  EXPECT_FALSE(many.back()->Mapped());
}

}  // namespace
}  // namespace finml
