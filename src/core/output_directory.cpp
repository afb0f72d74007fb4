#include "finml/core/output_directory.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/dist/world.hpp"

namespace finml {
namespace {

namespace fs = std::filesystem;

bool IsEmptyDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_empty(path, ec) && !ec;
}

// The folder that holds `final_path` and the prefix of its staging siblings (".NAME.partial-").
std::pair<fs::path, std::string> StagingPlace(const fs::path& final_path) {
  fs::path name = final_path.filename();
  if (name.empty()) name = final_path.parent_path().filename();
  const fs::path parent = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  return {parent, "." + name.string() + ".partial-"};
}

std::string StagingSibling(const fs::path& final_path) {
  const auto [parent, prefix] = StagingPlace(final_path);
  return (parent / fmt::format("{}{}", prefix, ::getpid())).string();
}

// A run killed by a signal (SIGTERM from a scheduler, SIGKILL, a lost terminal) cannot remove
// its staging directory; the next output to the same place removes those whose process is gone.
// A live pid, even a recycled one, keeps its directory.
void RemoveStagingOfDeadRuns(const fs::path& final_path) {
  const auto [parent, prefix] = StagingPlace(final_path);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(prefix, 0) != 0) continue;
    const std::string digits = file.substr(prefix.size());
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    if (entry.is_directory(ignored) && !entry.is_symlink(ignored))
      fs::remove_all(entry.path(), ignored);
  }
}

}  // namespace

OutputDirectory::OutputDirectory(std::string final_path, bool overwrite)
    : final_(std::move(final_path)) {
  // A trailing slash would make the staging name and the rename target disagree.
  while (final_.size() > 1 && final_.back() == '/') final_.pop_back();
  if (final_.empty()) throw IoError("the output directory is empty (fix: give --out DIR)");
  if (!dist::WritesOutputs()) {
    // Another rank of a distributed job: it computes what rank 0 does and writes nothing where
    // users look. Its files go to a private temporary directory, removed at the end.
    discard_ = true;
    staging_ = (fs::temp_directory_path() / fmt::format("finml-discarded-{}", ::getpid())).string();
    std::error_code ec;
    fs::remove_all(staging_, ec);
    fs::create_directories(staging_, ec);
    if (ec) throw IoError(fmt::format("{}: cannot create directory ({})", staging_, ec.message()));
    return;
  }
  struct stat st {};
  if (::lstat(final_.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw IoError(fmt::format(
          "{}: is a symbolic link; finml replaces only directories it wrote (fix: give the "
          "directory it points to, or another --out)",
          final_));
    if (!S_ISDIR(st.st_mode))
      throw IoError(fmt::format(
          "{}: exists and is not a directory; finml never replaces it (fix: choose another --out)",
          final_));
    if (!IsEmptyDirectory(final_)) {
      if (!overwrite)
        throw IoError(fmt::format(
            "{}: already holds files; a directory holds one run's results (fix: give a new --out, "
            "or --overwrite to replace it whole)",
            final_));
      struct stat marker {};
      if (::lstat((final_ + "/" + kOutputMarker).c_str(), &marker) != 0 || !S_ISREG(marker.st_mode))
        throw IoError(fmt::format(
            "{}: is not a directory finml wrote (no {} inside), so --overwrite will not replace "
            "it (fix: choose another --out, or remove it yourself)",
            final_, kOutputMarker));
      replace_existing_ = true;
    }
  }
  const fs::path target(final_);
  if (target.has_parent_path()) EnsureDirectory(target.parent_path().string());
  RemoveStagingOfDeadRuns(target);
  staging_ = StagingSibling(target);
  std::error_code ec;
  fs::remove_all(staging_, ec);  // a crashed run with a recycled pid
  if (::mkdir(staging_.c_str(), 0777) != 0)
    throw IoError(fmt::format("{}: cannot create directory ({})", staging_, std::strerror(errno)));
}

OutputDirectory::~OutputDirectory() {
  if (committed_ || staging_.empty()) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void OutputDirectory::Commit() {
  if (committed_) return;
  if (discard_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
    committed_ = true;
    return;
  }
  WriteFileAtomic(staging_ + "/" + kOutputMarker,
                  "finml output directory: finml --overwrite may replace it whole\n");
  if (replace_existing_) {
    // One exchange: readers see the old directory or the new one, never neither.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      std::error_code ec;
      fs::remove_all(staging_, ec);  // now the previous result
      return;
    }
    if (errno != EINVAL && errno != ENOSYS)
      throw IoError(fmt::format("{}: cannot replace ({}); the previous result is untouched", final_,
                                std::strerror(errno)));
    // Filesystems without exchange: move the old one aside first, then the new one in.
    const std::string old = staging_ + ".old";
    if (std::rename(final_.c_str(), old.c_str()) != 0)
      throw IoError(fmt::format("{}: cannot move aside ({}); the previous result is untouched",
                                final_, std::strerror(errno)));
    if (std::rename(staging_.c_str(), final_.c_str()) != 0) {
      const int err = errno;
      std::rename(old.c_str(), final_.c_str());
      throw IoError(fmt::format("{}: cannot rename into place ({})", final_, std::strerror(err)));
    }
    committed_ = true;
    std::error_code ec;
    fs::remove_all(old, ec);
    return;
  }
  // rename(2) replaces an empty directory and refuses a non-empty one, so a directory someone
  // filled meanwhile is never lost.
  if (std::rename(staging_.c_str(), final_.c_str()) != 0)
    throw IoError(fmt::format("{}: cannot rename the finished result into place ({}){}", final_,
                              std::strerror(errno),
                              errno == ENOTEMPTY || errno == EEXIST
                                  ? "; something wrote into it meanwhile (fix: give a new --out)"
                                  : ""));
  committed_ = true;
}

}  // namespace finml
