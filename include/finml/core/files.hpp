// File helpers that never leave a half-written file behind (write to a temporary sibling, then
// rename over the target: atomic on POSIX within one filesystem), never replace what is not a
// regular file, and never read what cannot be a file of data (a device, a FIFO, a directory).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace finml {

// Largest input a command reads into memory by default; experiment and config files get less.
inline constexpr std::size_t kMaxInputBytes = std::size_t{4} << 30;
inline constexpr std::size_t kMaxConfigBytes = std::size_t{8} << 20;

// Refuses (IoError naming the path) a target that exists and is not a regular file: a device
// node, a FIFO, a socket, a symlink or a directory is never replaced. An output: ranks other than
// 0 of a distributed job skip it (outside their discarded staging directory).
void WriteFileAtomic(const std::string& path, std::string_view contents);
// The same on every rank: for a rank's own working files (its checkpoints).
void WriteOwnFileAtomic(const std::string& path, std::string_view contents);
// Reads a regular file of at most `max_bytes`; anything else is an IoError saying what it is.
[[nodiscard]] std::string ReadFile(const std::string& path, std::size_t max_bytes = kMaxInputBytes);
void EnsureDirectory(const std::string& path);

}  // namespace finml
