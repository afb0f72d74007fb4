// RFC 4180 CSV tokenizer over an in-memory buffer. It yields one record at a time as string views
// (into the buffer, or into per-record scratch for quoted fields that contain doubled quotes), and
// knows the line and column of every field so typed loaders can report exact locations.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "finml/core/error.hpp"

namespace finml::data {

class CsvReader {
 public:
  CsvReader(std::string file_label, std::string_view text, char delimiter = ',');

  // Reads the next non-blank record into `fields`; false at end of input.
  bool Next(std::vector<std::string_view>& fields);

  // 1-based line on which the current record starts.
  [[nodiscard]] std::size_t line() const { return record_line_; }
  // 1-based column (field index) -> location of that field in the current record.
  [[nodiscard]] SourceLocation Where(std::size_t field_index) const;
  [[nodiscard]] const std::string& file() const { return file_; }
  // The text not read yet and the line it starts on, for a reader that takes over from here.
  [[nodiscard]] std::string_view rest() const { return text_.substr(pos_); }
  [[nodiscard]] std::size_t next_line() const { return line_; }
  // Whether a field of the current record views the text itself, which outlives the record,
  // rather than the scratch of a quoted field whose doubled quotes were undone.
  [[nodiscard]] bool InText(std::string_view field) const;

 private:
  std::string file_;
  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::deque<std::string> scratch_;
};

}  // namespace finml::data
