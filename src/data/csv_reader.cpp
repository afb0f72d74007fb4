#include "finml/data/csv_reader.hpp"

#include <functional>

namespace finml::data {

CsvReader::CsvReader(std::string file_label, std::string_view text, char delimiter)
    : file_(std::move(file_label)), text_(text), delimiter_(delimiter) {
  // A UTF-8 byte-order mark is common in spreadsheet exports and is not part of the first name.
  if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  // Other encodings would read as garbled text cut at the first NUL byte: say what the file is.
  const std::string_view head = text_.substr(0, 4096);
  const auto has = [&](std::string_view bom) { return head.substr(0, bom.size()) == bom; };
  std::string encoding;
  if (has(std::string_view("\x00\x00\xFE\xFF", 4)) || has(std::string_view("\xFF\xFE\x00\x00", 4)))
    encoding = "UTF-32";
  else if (has("\xFE\xFF") || has("\xFF\xFE"))
    encoding = "UTF-16";
  else if (head.find('\0') != std::string_view::npos)
    encoding = "binary or UTF-16 without a byte-order mark (it holds NUL bytes)";
  if (!encoding.empty()) {
    throw DataError(SourceLocation{file_, 1, 0},
                    fmt::format("the file is {}, not text in UTF-8", encoding),
                    "save or convert it as UTF-8 CSV, e.g. iconv -f UTF-16 -t UTF-8");
  }
}

SourceLocation CsvReader::Where(std::size_t field_index) const {
  return SourceLocation{file_, record_line_, field_index + 1};
}

bool CsvReader::InText(std::string_view field) const {
  const std::less_equal<const char*> not_after;
  return not_after(text_.data(), field.data()) &&
         not_after(field.data() + field.size(), text_.data() + text_.size());
}

bool CsvReader::Next(std::vector<std::string_view>& fields) {
  fields.clear();
  scratch_.clear();
  const std::size_t n = text_.size();
  // Blank lines separate nothing and carry no data.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  record_line_ = line_;
  while (true) {
    if (pos_ < n && text_[pos_] == '"') {
      std::size_t start_line = line_;
      ++pos_;
      std::size_t begin = pos_;
      bool has_escape = false;
      while (true) {
        if (pos_ >= n) {
          throw DataError(SourceLocation{file_, start_line, fields.size() + 1},
                          "quoted field is never closed",
                          "close the quote or double any quote inside the field");
        }
        char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
            has_escape = true;
            pos_ += 2;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        ++pos_;
      }
      std::string_view raw = text_.substr(begin, pos_ - begin);
      ++pos_;  // closing quote
      if (has_escape) {
        std::string& unescaped = scratch_.emplace_back();
        unescaped.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
          unescaped.push_back(raw[i]);
          if (raw[i] == '"') ++i;
        }
        fields.emplace_back(unescaped);
      } else {
        fields.push_back(raw);
      }
      if (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        throw DataError(SourceLocation{file_, line_, fields.size()},
                        "unexpected text after a closing quote",
                        "quote the whole field and double quotes inside it");
      }
    } else {
      std::size_t begin = pos_;
      while (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] == '"') {
          throw DataError(SourceLocation{file_, line_, fields.size() + 1},
                          "a quote inside an unquoted field",
                          "quote the whole field and double the quote inside it");
        }
        ++pos_;
      }
      fields.push_back(text_.substr(begin, pos_ - begin));
    }
    if (pos_ < n && text_[pos_] == delimiter_) {
      ++pos_;
      continue;
    }
    // End of record: \n, \r\n or end of input.
    if (pos_ < n && text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

}  // namespace finml::data
