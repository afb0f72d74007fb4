// Texts as finml reads them: UTF-8 checked, empty texts refused, every fault naming the file, the
// row and the column. The words of a text (for attributions) are its whitespace-separated spans.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finml/data/csv_reader.hpp"

namespace finml::nlp {

struct Texts {
  std::string source;
  std::vector<std::string> texts;
  std::vector<std::string> labels;  // empty without a label column
};

// The byte offset of the first invalid UTF-8 sequence, or none.
[[nodiscard]] std::optional<std::size_t> InvalidUtf8(std::string_view text);
// What is wrong with a text, with its fix: not UTF-8, or nothing but blanks; none when fine.
[[nodiscard]] std::optional<std::string> TextProblem(std::string_view text);
// Throws InvalidInput naming `where` when the text has a problem.
void CheckText(std::string_view text, const std::string& where);

// A CSV of texts read row by row: the header, then every record checked to have the header's
// width (a text with an unquoted comma is the usual cause), with its place for messages.
class TextCsv {
 public:
  explicit TextCsv(const std::string& path);
  [[nodiscard]] const std::vector<std::string>& header() const { return header_; }
  // The column `name`; an error naming the file, the columns and `flag` (the fix) otherwise.
  [[nodiscard]] std::size_t Column(const std::string& name, const std::string& flag) const;
  // The next record, or false at the end.
  bool Next(std::vector<std::string_view>& fields);
  // "file:line:column" of field `index` of the current record.
  [[nodiscard]] std::string Where(std::size_t index) const;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_, content_;
  std::unique_ptr<data::CsvReader> reader_;
  std::vector<std::string> header_;
};

// The CSV at `path`: `text_column`, and `label_column` unless empty. Row numbers in errors count
// data rows from 1 (the header is line 1 of the file).
[[nodiscard]] Texts LoadTexts(const std::string& path, const std::string& text_column,
                              const std::string& label_column);
// Unlabelled text, one text per line; blank lines are skipped, invalid UTF-8 names its line.
[[nodiscard]] std::vector<std::string> LoadCorpus(const std::string& path);

struct WordSpan {
  std::size_t begin = 0, end = 0;
};
[[nodiscard]] std::vector<WordSpan> Words(std::string_view text);
// The text without word `skip` (occlusion).
[[nodiscard]] std::string WithoutWord(std::string_view text, const std::vector<WordSpan>& words,
                                      std::size_t skip);

}  // namespace finml::nlp
