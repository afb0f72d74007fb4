#include "finml/core/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "finml/core/error.hpp"
#include "finml/core/mapped_file.hpp"
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

// MappedFile (mapped_file.hpp) and the SIGBUS guard that keeps a cut file from ending the process.

namespace {

// The live mappings, read by the signal handler: lock-free, fixed size. A file that finds no
// free slot is read as a copy instead.
struct GuardedRange {
  std::atomic<std::uintptr_t> begin{0}, end{0};
  std::atomic<bool> shrank{false};
  std::atomic<bool> taken{false};
};
constexpr int kSlots = 64;
std::array<GuardedRange, kSlots> guarded;
struct sigaction previous_sigbus {};
std::uintptr_t page_size = 4096;

void ChainToPrevious(int signal, siginfo_t* info, void* context) {
  if (previous_sigbus.sa_flags & SA_SIGINFO) {
    if (previous_sigbus.sa_sigaction) return previous_sigbus.sa_sigaction(signal, info, context);
  } else if (previous_sigbus.sa_handler != SIG_DFL && previous_sigbus.sa_handler != SIG_IGN) {
    return previous_sigbus.sa_handler(signal);
  }
  // The default action: returning re-executes the faulting access, which now ends the process
  // as it would have without this handler.
  ::signal(SIGBUS, SIG_DFL);
}

void OnSigbus(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (auto& range : guarded) {
    if (!range.taken.load(std::memory_order_acquire)) continue;
    if (address < range.begin.load() || address >= range.end.load()) continue;
    // The page past the file's new end becomes zeros, and the faulting read is retried on it.
    // mmap is a bare system call with no user-space state: safe in a handler on Linux, though
    // POSIX does not list it.
    void* page = reinterpret_cast<void*>(address & ~(page_size - 1));
    if (::mmap(page, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
        MAP_FAILED)
      break;
    range.shrank.store(true);
    return;
  }
  ChainToPrevious(signal, info, context);
}

bool InstallGuard() {
  static const bool installed = [] {
    page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = OnSigbus;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGBUS, &action, &previous_sigbus) == 0;
  }();
  return installed;
}

int TakeSlot(const void* map, std::size_t size) {
  for (int i = 0; i < kSlots; ++i) {
    auto& range = guarded[static_cast<std::size_t>(i)];
    // Whoever sets `end` owns the slot; the handler reads it only once `taken` says it is whole.
    std::uintptr_t none = 0;
    if (!range.end.compare_exchange_strong(none, reinterpret_cast<std::uintptr_t>(map) + size))
      continue;
    range.begin.store(reinterpret_cast<std::uintptr_t>(map));
    range.shrank.store(false);
    range.taken.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO with no writer must not hang; fstat then turns it away.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      static_cast<std::size_t>(st.st_size) <= kMaxInputBytes && InstallGuard()) {
    void* map = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ,
                       MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) {
      slot_ = TakeSlot(map, static_cast<std::size_t>(st.st_size));
      if (slot_ >= 0) {
        map_ = map;
        size_ = static_cast<std::size_t>(st.st_size);
      } else {
        ::munmap(map, static_cast<std::size_t>(st.st_size));
      }
    }
  }
  if (fd >= 0) ::close(fd);
  if (!map_) copy_ = ReadFile(path);
}

MappedFile::~MappedFile() {
  if (!map_) return;
  auto& range = guarded[static_cast<std::size_t>(slot_)];
  range.taken.store(false);
  range.begin.store(0);
  ::munmap(map_, size_);
  range.end.store(0);  // last: the slot is free again
}

std::string_view MappedFile::text() const {
  return map_ ? std::string_view(static_cast<const char*>(map_), size_) : copy_;
}

bool MappedFile::Shrank() const {
  return map_ && guarded[static_cast<std::size_t>(slot_)].shrank.load();
}

}  // namespace finml
