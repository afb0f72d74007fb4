#include "finml/nlp/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"

namespace finml::nlp {

std::optional<std::size_t> InvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    unsigned min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + extra >= s.size()) return i;  // truncated sequence
    unsigned code = c & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      code = (code << 6) | (d & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return i;
    i += extra + 1;
  }
  return std::nullopt;
}

std::optional<std::string> TextProblem(std::string_view text) {
  if (const auto bad = InvalidUtf8(text))
    return fmt::format(
        "invalid UTF-8 at byte {} of the text, counting from 1 (fix: re-encode the file as UTF-8, "
        "e.g. iconv -f latin1 -t "
        "utf-8)",
        *bad + 1);
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos)
    return "the text is empty (fix: drop the row or give it a text)";
  return std::nullopt;
}

void CheckText(std::string_view text, const std::string& where) {
  if (const auto problem = TextProblem(text))
    throw InvalidInput(fmt::format("{}: {}", where, *problem));
}

TextCsv::TextCsv(const std::string& path) : path_(path), content_(ReadFile(path)) {
  reader_ = std::make_unique<data::CsvReader>(path, content_);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(reader_->Next(fields), "{}: empty file (fix: a CSV with a header row)", path);
  header_.assign(fields.begin(), fields.end());
}

std::size_t TextCsv::Column(const std::string& name, const std::string& flag) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it != header_.end()) return static_cast<std::size_t>(it - header_.begin());
  std::string have;
  for (const auto& h : header_) have += (have.empty() ? "" : ", ") + h;
  throw InvalidInput(
      fmt::format("{}: no column '{}' (columns: {}; fix: {} COLUMN)", path_, name, have, flag));
}

bool TextCsv::Next(std::vector<std::string_view>& fields) {
  if (!reader_->Next(fields)) return false;
  if (fields.size() != header_.size())
    throw DataError(reader_->Where(std::min(fields.size(), header_.size())),
                    fmt::format("{} fields where the header has {}", fields.size(), header_.size()),
                    "quote texts that hold commas");
  return true;
}

std::string TextCsv::Where(std::size_t index) const { return reader_->Where(index).str(); }

Texts LoadTexts(const std::string& path, const std::string& text_column,
                const std::string& label_column) {
  TextCsv csv(path);
  const std::size_t text_at = csv.Column(text_column, "--text");
  const std::size_t label_at = label_column.empty() ? 0 : csv.Column(label_column, "--label");
  Texts out;
  out.source = path;
  std::vector<std::string_view> fields;
  while (csv.Next(fields)) {
    CheckText(fields[text_at], csv.Where(text_at));
    out.texts.emplace_back(fields[text_at]);
    if (!label_column.empty()) {
      if (fields[label_at].empty())
        throw InvalidInput(
            fmt::format("{}: no label (fix: label the row or drop it)", csv.Where(label_at)));
      out.labels.emplace_back(fields[label_at]);
    }
  }
  FINML_REQUIRE(!out.texts.empty(), "{}: no rows under the header", path);
  return out;
}

std::vector<std::string> LoadCorpus(const std::string& path) {
  const std::string text = ReadFile(path);
  std::vector<std::string> out;
  std::size_t line = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line;
    std::string_view row(text.data() + start, end - start);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (const auto bad = InvalidUtf8(row))
      throw InvalidInput(fmt::format(
          "{}:{}: invalid UTF-8 at byte {} of the line, counting from 1 (fix: re-encode the file "
          "as UTF-8)",
          path, line, *bad + 1));
    if (row.find_first_not_of(" \t\f\v") != std::string_view::npos) out.emplace_back(row);
    start = end + 1;
  }
  FINML_REQUIRE(!out.empty(), "{}: no text (fix: one text per line)", path);
  return out;
}

std::vector<WordSpan> Words(std::string_view text) {
  std::vector<WordSpan> out;
  std::size_t i = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < text.size()) {
    while (i < text.size() && blank(text[i])) ++i;
    const std::size_t b = i;
    while (i < text.size() && !blank(text[i])) ++i;
    if (i > b) out.push_back({b, i});
  }
  return out;
}

std::string WithoutWord(std::string_view text, const std::vector<WordSpan>& words,
                        std::size_t skip) {
  std::string out;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (k == skip) continue;
    if (!out.empty()) out += ' ';
    out.append(text.substr(words[k].begin, words[k].end - words[k].begin));
  }
  return out;
}

}  // namespace finml::nlp
