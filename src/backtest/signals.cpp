#include "finml/backtest/signals.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <optional>
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

namespace {

// The model whose predictions are traded: the one asked for, or the file's only one.
std::string ChooseModel(std::string_view text, const std::string& file_label, std::size_t model_col,
                        const PredictionChoice& choice) {
  data::CsvReader reader(file_label, text);
  std::vector<std::string_view> fields;
  (void)reader.Next(fields);
  std::vector<std::string> models;
  while (reader.Next(fields)) {
    if (model_col >= fields.size()) continue;  // reported by the main pass
    const std::string m = Trim(fields[model_col]);
    if (std::find(models.begin(), models.end(), m) == models.end() && models.size() < 1000)
      models.push_back(m);
  }
  if (!choice.model.empty()) {
    if (std::find(models.begin(), models.end(), choice.model) != models.end()) return choice.model;
    throw DataError({file_label, 1, model_col + 1},
                    fmt::format("no model '{}' in these predictions", Excerpt(choice.model)),
                    fmt::format("did you mean '{}'? models: {}", ClosestMatch(choice.model, models),
                                JoinStrings(models, ", ")));
  }
  if (models.size() == 1) return models.front();
  throw DataError({file_label, 1, model_col + 1},
                  fmt::format("a run's predictions of {} models ({}); which one to trade?",
                              models.size(), JoinStrings(models, ", ")),
                  fmt::format("choose one with --model, e.g. --model {}",
                              models.empty() ? "NAME" : models.back()));
}

}  // namespace

std::string SignalsFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return path + "/predictions.csv";
  return path;
}

SignalPanel ParseSignals(std::string_view text, const std::string& file_label,
                         const PricePanel& prices, const PredictionChoice& choice) {
  data::CsvReader reader(file_label, text);
  std::vector<std::string_view> fields;
  FINML_REQUIRE(reader.Next(fields),
                "{}: the signals file is empty (fix: write a header "
                "'date,symbol,score' and one row per signal)",
                file_label);
  std::vector<std::string> header;
  for (auto f : fields) header.push_back(ToLower(Trim(f)));
  if (!header.empty() && header[0].rfind("\xef\xbb\xbf", 0) == 0) header[0].erase(0, 3);
  // A run's predictions, or finml predict's (no split): trade each decision date's forecast move.
  const std::size_t model_col = FindColumn(header, "model");
  const std::size_t split_col = FindColumn(header, "split");
  const bool has_split = split_col < header.size();
  const bool predictions =
      model_col < header.size() && FindColumn(header, "decision_date") < header.size();
  if (predictions && FindColumn(header, "score") == header.size()) {
    throw DataError({file_label, 1, 1},
                    "these predictions have no 'score' column (written by an older finml)",
                    "run the experiment or finml predict again, or write date,symbol,score "
                    "signals from them");
  }
  if (!predictions && !choice.model.empty()) {
    throw DataError({file_label, 1, 1},
                    "--model chooses among a run's predictions, but this is a signals file",
                    "pass a run directory or its predictions.csv, or leave out --model");
  }
  FINML_REQUIRE(choice.split == "test" || choice.split == "val" || choice.split == "all",
                "--split is '{}'; it must be test, val or all", choice.split);
  const std::string model =
      predictions ? ChooseModel(text, file_label, model_col, choice) : std::string();
  const std::size_t date_col = FindColumn(header, predictions ? "decision_date" : "date");
  const std::size_t symbol_col = FindColumn(header, "symbol");
  const std::size_t score_col = FindColumn(header, "score");
  const bool has_symbol = symbol_col < header.size();
  if (date_col == header.size() || score_col == header.size()) {
    std::vector<std::string> lacking;
    if (date_col == header.size()) lacking.push_back(predictions ? "decision_date" : "date");
    if (score_col == header.size()) lacking.push_back("score");
    throw DataError({file_label, 1, 1},
                    fmt::format("the header '{}' has no {} column", JoinStrings(header, ","),
                                JoinStrings(lacking, " or ")),
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

  std::unordered_map<std::string, std::size_t> label_row;
  if (!prices.calendar)
    for (std::size_t i = 0; i < prices.time_label.size(); ++i) label_row[prices.time_label[i]] = i;
  SignalPanel out;
  out.source = file_label;
  out.score = Panel(prices.rows(), prices.assets());
  const bool one_split = predictions && has_split && choice.split != "all" && prices.calendar;
  const std::size_t target_col = FindColumn(header, "date");
  std::vector<std::size_t> decision_rows;
  std::size_t split_last = 0;
  const std::size_t width = header.size();
  while (reader.Next(fields)) {
    if (fields.size() != width) {
      throw DataError(reader.Where(std::min(fields.size(), width - 1)),
                      fmt::format("expected {} fields, found {}", width, fields.size()),
                      "give every row the header's columns");
    }
    if (predictions &&
        (Trim(fields[model_col]) != model ||
         (has_split && choice.split != "all" && Trim(fields[split_col]) != choice.split)))
      continue;
    const std::string date_text = Trim(fields[date_col]);
    // Prices without calendar dates (an observation index, a decimal year) are matched by the
    // index as written, as a run's predictions of them are.
    std::optional<data::Timestamp> when;
    if (prices.calendar) {
      when = data::ParseTimestamp(date_text);
      if (!when) {
        throw DataError(reader.Where(date_col),
                        fmt::format("cannot read '{}' as a date", Excerpt(date_text)),
                        "write ISO dates such as 2001-09-27");
      }
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
    std::size_t row = 0;
    if (!when) {
      const auto it = label_row.find(date_text);
      if (it == label_row.end()) {
        throw DataError(reader.Where(date_col),
                        fmt::format("'{}' is not an index value of the price data ({})",
                                    Excerpt(date_text), prices.source),
                        "date each signal on a row of the price file, by its index as written");
      }
      row = it->second;
    } else {
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
      row = static_cast<std::size_t>(row_it - prices.time.begin());
    }
    double& cell = out.score.at(row, asset);
    if (!std::isnan(cell)) {
      throw DataError(
          reader.Where(date_col),
          fmt::format("a second score for '{}' on {}", prices.symbols[asset], date_text),
          "keep one score per date and symbol");
    }
    cell = score;
    ++out.count;
    if (one_split) {
      decision_rows.push_back(row);
      std::size_t last = row + 1;
      if (target_col < header.size()) {
        // The target date, where the run wrote one: the outcome the decision is judged on.
        const auto target = data::ParseTimestamp(Trim(fields[target_col]));
        if (target) {
          const auto it = std::lower_bound(prices.time.begin(), prices.time.end(), *target);
          if (it != prices.time.end())
            last = static_cast<std::size_t>(it - prices.time.begin()) + 1;
        }
      }
      split_last = std::max(split_last, last);
    }
  }
  if (one_split && !decision_rows.empty()) {
    out.split_last_row = std::min(split_last, prices.rows() - 1);
    std::sort(decision_rows.begin(), decision_rows.end());
    decision_rows.erase(std::unique(decision_rows.begin(), decision_rows.end()),
                        decision_rows.end());
    out.split_blocks = 1;
    // A few bars without a decision (features warming up, a holiday) are not another split.
    constexpr std::size_t kBlockGap = 5;
    for (std::size_t k = 1; k < decision_rows.size(); ++k)
      out.split_blocks += decision_rows[k] - decision_rows[k - 1] > kBlockGap;
  }
  if (predictions) {
    FINML_REQUIRE(out.count > 0 || out.after_last_bar > 0,
                  "{}: model '{}' has no '{}' predictions (fix: --split test, val or all)",
                  file_label, model, choice.split);
    out.source =
        fmt::format("{} predictions of model '{}' ({})",
                    choice.split == "all" ? "val and test" : choice.split, model, file_label);
  }
  FINML_REQUIRE(out.count > 0 || out.after_last_bar > 0,
                "{}: the signals file has a header but no rows", file_label);
  return out;
}

SignalPanel LoadSignals(const std::string& path, const PricePanel& prices,
                        const PredictionChoice& choice) {
  const std::string file = SignalsFile(path);
  return ParseSignals(ReadFile(file), file, prices, choice);
}

}  // namespace finml::backtest
