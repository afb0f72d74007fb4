// A file's bytes mapped from the page cache rather than copied into a fresh buffer, which costs
// as much as parsing a large file. Whatever mmap does not take (a pipe, a device, an empty or
// oversized file, any failure) is read by ReadFile, which also reports every problem with the
// path as it always has.
//
// A mapped file that another process truncates while it is read would end this process with
// SIGBUS. Instead, a SIGBUS on a page of a live mapping puts a page of zeros in its place and
// marks the file as shrunk; the reader asks Shrank() when it is done and refuses what it read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace finml {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] std::string_view text() const;
  // Whether the bytes come from a mapping (else from a copy, which cannot shrink).
  [[nodiscard]] bool Mapped() const { return map_ != nullptr; }
  // Whether the file was cut short while mapped: text() then holds zeros where bytes were.
  [[nodiscard]] bool Shrank() const;

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
  int slot_ = -1;  // the mapping's place in the SIGBUS guard's table
  std::string copy_;
};

}  // namespace finml
