#include "finml/backtest/signals.hpp"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::backtest {
namespace {

std::size_t FindColumn(const std::vector<std::string>& header, std::string_view name) {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? header.size() : static_cast<std::size_t>(it - header.begin());
}

}  // namespace

SignalPanel ParseSignals(std::string_view text, const std::string& file_label,
                         const PricePanel& prices) {
  data::CsvReader reader(file_label, text);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(reader.Next(fields),
                "{}: the signals file is empty (fix: write a header "
                "'date,symbol,score' and one row per signal)",
                file_label);
  std::vector<std::string> header;
  for (auto f : fields) header.push_back(ToLower(Trim(f)));
  if (!header.empty() && header[0].rfind("\xef\xbb\xbf", 0) == 0) header[0].erase(0, 3);
  const std::size_t date_col = FindColumn(header, "date");
  const std::size_t symbol_col = FindColumn(header, "symbol");
  const std::size_t score_col = FindColumn(header, "score");
  const bool has_symbol = symbol_col < header.size();
  if (date_col == header.size() || score_col == header.size()) {
    throw DataError(
        {file_label, 1, 1},
        fmt::format("the header '{}' lacks a 'date' or a 'score' column", JoinStrings(header, ",")),
        "name the columns date,symbol,score (or date,score for one asset)");
  }
  if (!has_symbol && prices.assets() != 1) {
    throw DataError(
        {file_label, 1, 1},
        fmt::format("no 'symbol' column, but the prices hold {} assets", prices.assets()),
        "add a symbol column: date,symbol,score");
  }
  std::unordered_map<std::string, std::size_t> symbol_index;
  for (std::size_t i = 0; i < prices.symbols.size(); ++i) symbol_index[prices.symbols[i]] = i;

  SignalPanel out;
  out.source = file_label;
  out.score = Panel(prices.rows(), prices.assets());
  const std::size_t width = header.size();
  while (reader.Next(fields)) {
    if (fields.size() != width) {
      throw DataError(reader.Where(std::min(fields.size(), width - 1)),
                      fmt::format("expected {} fields, found {}", width, fields.size()),
                      "give every row the header's columns");
    }
    const std::string date_text = Trim(fields[date_col]);
    auto when = data::ParseTimestamp(date_text);
    if (!when) {
      throw DataError(reader.Where(date_col), fmt::format("cannot read '{}' as a date", date_text),
                      "write ISO dates such as 2001-09-27");
    }
    std::size_t asset = 0;
    if (has_symbol) {
      const std::string symbol = Trim(fields[symbol_col]);
      auto it = symbol_index.find(symbol);
      if (it == symbol_index.end()) {
        throw DataError(reader.Where(symbol_col),
                        fmt::format("symbol '{}' is not in the prices ({})", symbol, prices.source),
                        fmt::format("did you mean '{}'? use the price file's symbols",
                                    ClosestMatch(symbol, prices.symbols)));
      }
      asset = it->second;
    }
    const std::string score_text = Trim(fields[score_col]);
    double score = 0;
    auto [end, ec] =
        std::from_chars(score_text.data(), score_text.data() + score_text.size(), score);
    if (ec != std::errc() || end != score_text.data() + score_text.size() ||
        !std::isfinite(score)) {
      throw DataError(reader.Where(score_col),
                      fmt::format("cannot read '{}' as a finite score", score_text),
                      "write a number; leave the row out where there is no signal");
    }
    auto row_it = std::lower_bound(prices.time.begin(), prices.time.end(), *when);
    if (row_it == prices.time.end()) {
      if (out.after_last_bar++ == 0) out.first_after = date_text;
      continue;
    }
    if (*row_it != *when) {
      throw DataError(
          reader.Where(date_col),
          fmt::format("'{}' is not a date of the price data ({})", date_text, prices.source),
          "date each signal on a bar of the price file, at whose close it was known");
    }
    const auto row = static_cast<std::size_t>(row_it - prices.time.begin());
    double& cell = out.score.at(row, asset);
    if (!std::isnan(cell)) {
      throw DataError(
          reader.Where(date_col),
          fmt::format("a second score for '{}' on {}", prices.symbols[asset], date_text),
          "keep one score per date and symbol");
    }
    cell = score;
    ++out.count;
  }
  FINML_REQUIRE(out.count > 0 || out.after_last_bar > 0,
                "{}: the signals file has a header but no rows", file_label);
  return out;
}

SignalPanel LoadSignals(const std::string& path, const PricePanel& prices) {
  return ParseSignals(ReadFile(path), path, prices);
}

}  // namespace finml::backtest
