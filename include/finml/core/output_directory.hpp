// An output directory that appears whole or not at all. Results are written into a hidden
// sibling (`.<name>.partial-<pid>`) and renamed into place by Commit(); a failure, an exception or
// a forgotten Commit() removes the sibling, so a failed run leaves nothing a reader could take for
// a result. A directory holds exactly one run: an existing non-empty one is refused unless the
// caller asks to overwrite, and even then only a directory finml wrote (it carries the marker
// file) is replaced, whole. In a distributed job only rank 0 commits: the other ranks' results are
// discarded (dist/world.hpp).
#pragma once

#include <string>

namespace finml {

// Written into every committed output directory; `--overwrite` replaces only directories with it.
inline constexpr const char* kOutputMarker = ".finml-output";

class OutputDirectory {
 public:
  // Checks at once (before any long computation) that `final_path` may receive the result, and
  // creates the staging sibling. IoError naming the path and the fix otherwise.
  OutputDirectory(std::string final_path, bool overwrite);
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  // Where to write the files now.
  [[nodiscard]] const std::string& staging() const { return staging_; }
  // Where they will be once committed.
  [[nodiscard]] const std::string& path() const { return final_; }
  // Marks the directory as finml's and moves it into place, replacing (with overwrite) the
  // previous one in a single exchange where the filesystem allows.
  void Commit();

 private:
  std::string final_;
  std::string staging_;
  bool replace_existing_ = false;
  bool committed_ = false;
  bool discard_ = false;  // a rank other than 0: never moved into place
};

}  // namespace finml
