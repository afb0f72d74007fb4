#include "finml/core/files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "finml/core/error.hpp"
#include "finml/dist/world.hpp"

namespace finml {
namespace {

// What a path is, for messages; empty when it is a regular file.
std::string NotRegular(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return "";
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (S_ISFIFO(st.st_mode)) return "is a FIFO (named pipe), not a file";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "is a device, not a file";
  if (S_ISSOCK(st.st_mode)) return "is a socket, not a file";
  if (S_ISLNK(st.st_mode)) return "is a symbolic link";
  return "is not a regular file";
}

}  // namespace

void WriteFileAtomic(const std::string& path, std::string_view contents) {
  // Ranks other than 0 of a distributed job write only into their own discarded staging
  // directory (OutputDirectory): a single output file is rank 0's.
  if (!dist::WritesOutputs() &&
      path.find(fmt::format("finml-discarded-{}", ::getpid())) == std::string::npos)
    return;
  WriteOwnFileAtomic(path, contents);
}

void WriteOwnFileAtomic(const std::string& path, std::string_view contents) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (const std::string what = NotRegular(st); !what.empty())
      throw IoError(
          fmt::format("{}: {}; finml replaces only regular files it could have written "
                      "(fix: choose another output path)",
                      path, what));
  }
  std::filesystem::path target(path);
  if (target.has_parent_path()) EnsureDirectory(target.parent_path().string());
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(fmt::format("{}: cannot create ({})", tmp, std::strerror(errno)));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();  // a full disk may only show when the last buffer is written
    if (!out) {
      std::remove(tmp.c_str());
      throw IoError(fmt::format("{}: write failed ({})", path, std::strerror(errno)));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError(fmt::format("{}: cannot rename temporary file ({})", path, std::strerror(errno)));
  }
}

std::string ReadFile(const std::string& path, std::size_t max_bytes) {
  // stat first: opening a FIFO with no writer would block, and /dev/zero would never end.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw IoError(fmt::format("{}: cannot open ({}); check the path", path, std::strerror(errno)));
  if (const std::string what = NotRegular(st); !what.empty())
    throw IoError(fmt::format("{}: {} (fix: give a regular file)", path, what));
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    throw IoError(fmt::format("{}: {} bytes, more than the {} this input may have", path,
                              st.st_size, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(fmt::format("{}: cannot open ({}); check the path", path, std::strerror(errno)));
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

void EnsureDirectory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) throw IoError(fmt::format("{}: cannot create directory ({})", path, ec.message()));
}

}  // namespace finml
