// An output directory appears whole or not at all, holds one run, and replaces only what finml
// wrote.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/output_directory.hpp"
#include "test_util.hpp"

namespace finml {
namespace {

namespace fs = std::filesystem;

std::string OpenError(const std::string& path, bool overwrite) {
  try {
    OutputDirectory out(path, overwrite);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

// Only the entries a reader would see: the staging siblings are hidden names in the parent.
std::size_t Entries(const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

void WriteRun(const std::string& path, bool overwrite, const std::string& file) {
  OutputDirectory out(path, overwrite);
  WriteFileAtomic(out.staging() + "/" + file, "x\n");
  EXPECT_FALSE(fs::exists(path + "/" + file)) << "visible before Commit()";
  out.Commit();
}

TEST(OutputDirectory, AppearsOnlyOnCommit) {
  const std::string parent = testing::TempDir("outdir_commit");
  const std::string path = parent + "/run";
  WriteRun(path, false, "metrics.json");
  EXPECT_TRUE(fs::is_regular_file(path + "/metrics.json"));
  EXPECT_TRUE(fs::is_regular_file(path + "/" + kOutputMarker));
  EXPECT_EQ(Entries(parent), 1U) << "the staging sibling must be gone";
}

TEST(OutputDirectory, AFailureLeavesNothing) {
  const std::string parent = testing::TempDir("outdir_fail");
  const std::string path = parent + "/run";
  try {
    OutputDirectory out(path, false);
    WriteFileAtomic(out.staging() + "/metrics.json", "{}\n");
    throw std::runtime_error("the job failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(Entries(parent), 0U);
}

TEST(OutputDirectory, TheStagingOfAKilledRunIsRemovedByTheNextOneAndALiveOnesIsKept) {
  const std::string dir = finml::testing::TempDir("od_killed");
  // A pid that is surely gone: a child that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::string dead = fmt::format("{}/.out.partial-{}", dir, child);
  const std::string alive = fmt::format("{}/.out.partial-{}", dir, ::getppid());
  const std::string other = fmt::format("{}/.other.partial-{}", dir, child);
  for (const auto& d : {dead, alive, other}) {
    std::filesystem::create_directories(d + "/model");
    WriteFileAtomic(d + "/model/x.json", "{}");
  }
  OutputDirectory out(dir + "/out", false);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_TRUE(std::filesystem::exists(alive));  // its process may still be writing
  EXPECT_TRUE(std::filesystem::exists(other));  // another output's
  out.Commit();
}

TEST(OutputDirectory, AnEmptyDirectoryIsUsed) {
  const std::string path = testing::TempDir("outdir_empty");
  WriteRun(path, false, "a.csv");
  EXPECT_TRUE(fs::is_regular_file(path + "/a.csv"));
}

TEST(OutputDirectory, ANonEmptyDirectoryNeedsOverwrite) {
  const std::string path = testing::TempDir("outdir_full") + "/run";
  WriteRun(path, false, "first.csv");
  const std::string error = OpenError(path, false);
  EXPECT_NE(error.find("already holds files"), std::string::npos) << error;
  EXPECT_NE(error.find("--overwrite"), std::string::npos) << error;
  EXPECT_TRUE(fs::exists(path + "/first.csv")) << "a refusal must not touch the old result";
}

TEST(OutputDirectory, OverwriteReplacesTheWholeDirectory) {
  const std::string parent = testing::TempDir("outdir_replace");
  const std::string path = parent + "/run";
  WriteRun(path, false, "first.csv");
  fs::create_directories(path + "/models/lstm");
  WriteRun(path, true, "second.csv");
  EXPECT_TRUE(fs::exists(path + "/second.csv"));
  EXPECT_FALSE(fs::exists(path + "/first.csv")) << "a stale file of the first run survived";
  EXPECT_FALSE(fs::exists(path + "/models")) << "a stale model of the first run survived";
  EXPECT_EQ(Entries(parent), 1U);
}

TEST(OutputDirectory, AFailedOverwriteKeepsThePreviousResult) {
  const std::string path = testing::TempDir("outdir_keep") + "/run";
  WriteRun(path, false, "first.csv");
  {
    OutputDirectory out(path, true);
    WriteFileAtomic(out.staging() + "/second.csv", "x\n");
  }  // no Commit(): the job failed
  EXPECT_TRUE(fs::exists(path + "/first.csv"));
  EXPECT_FALSE(fs::exists(path + "/second.csv"));
}

TEST(OutputDirectory, OverwriteRefusesADirectoryFinmlDidNotWrite) {
  const std::string path = testing::TempDir("outdir_foreign");
  WriteFileAtomic(path + "/thesis.tex", "precious\n");
  const std::string error = OpenError(path, true);
  EXPECT_NE(error.find("is not a directory finml wrote"), std::string::npos) << error;
  EXPECT_TRUE(fs::exists(path + "/thesis.tex"));
}

TEST(OutputDirectory, FilesSymlinksAndDevicesAreNeverReplaced) {
  const std::string dir = testing::TempDir("outdir_special");
  WriteFileAtomic(dir + "/file", "x\n");
  EXPECT_NE(OpenError(dir + "/file", true).find("is not a directory"), std::string::npos);
  fs::create_directory(dir + "/target");
  fs::create_directory_symlink(dir + "/target", dir + "/link");
  EXPECT_NE(OpenError(dir + "/link", true).find("symbolic link"), std::string::npos);
  EXPECT_TRUE(fs::is_symlink(dir + "/link"));
  EXPECT_NE(OpenError("/dev/full", true).find("is not a directory"), std::string::npos);
}

TEST(OutputDirectory, ATrailingSlashIsTheSameDirectory) {
  const std::string parent = testing::TempDir("outdir_slash");
  WriteRun(parent + "/run/", false, "a.csv");
  EXPECT_TRUE(fs::exists(parent + "/run/a.csv"));
  EXPECT_EQ(Entries(parent), 1U);
}

}  // namespace
}  // namespace finml
