#include "finml/nlp/factor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/strings.hpp"
#include "finml/data/csv_reader.hpp"
#include "finml/data/loader.hpp"
#include "finml/data/time_zone.hpp"
#include "finml/data/timestamp.hpp"
#include "finml/models/deep.hpp"
#include "finml/nlp/classifier.hpp"
#include "finml/nlp/text.hpp"

namespace finml::nlp {

const options::Schema<FactorSettings>& FactorSettings::Schema() {
  static const auto schema = [] {
    using F = FactorSettings;
    options::Schema<F> s;
    s.Add("timestamp", &F::timestamp, "news column: when the news was published");
    s.Add("symbol", &F::symbol, "news column: the asset it is about");
    s.Add("text", &F::text, "news column: the text");
    s.Add("close", &F::close,
          "session close (HH:MM, exchange time): news at or after it counts for the next session");
    s.Add("time_zone", &F::time_zone,
          "the exchange's time zone; timestamps with an offset (Z, +01:00) are moved into it");
    s.Add("half_life", &F::half_life, "sessions for a news item's weight to halve").Above(0);
    s.Add("prices", &F::prices,
          "prices CSV whose dates are the sessions (default: every Monday to Friday)");
    s.Add("positive", &F::positive, "the model's positive class");
    s.Add("negative", &F::negative, "the model's negative class");
    return s;
  }();
  return schema;
}

FactorCounts BuildSentimentFactor(const std::string& model_dir, const std::string& news_path,
                                  const FactorSettings& s, const std::string& out, int threads) {
  models::SetTorchThreads(threads);
  const SavedTextModel model = SavedTextModel::Load(model_dir);
  const auto class_index = [&](const std::string& name, const char* flag) {
    const auto it = std::find(model.classes.begin(), model.classes.end(), name);
    FINML_REQUIRE(it != model.classes.end(),
                  "{}: the model has no class '{}' (its classes: {}; fix: {})", model_dir, name,
                  fmt::format("{}", fmt::join(model.classes, ", ")), flag);
    return static_cast<std::size_t>(it - model.classes.begin());
  };
  const std::size_t pos = class_index(s.positive, "--positive"),
                    neg = class_index(s.negative, "--negative");
  const auto close = data::ParseTime("2000-01-01 " + s.close);
  FINML_REQUIRE(close && close->has_time && !close->offset,
                "--close '{}': not a time of day (fix: HH:MM, e.g. 16:00)", s.close);
  const std::int64_t close_seconds = close->time % data::kSecondsPerDay;
  const data::Zone zone = data::Zone::Parse(s.time_zone, "--time-zone");

  // The news: a session day for each item, from its local time.
  TextCsv csv(news_path);
  const std::size_t at_time = csv.Column(s.timestamp, "--timestamp"),
                    at_symbol = csv.Column(s.symbol, "--symbol"),
                    at_text = csv.Column(s.text, "--text");
  struct Item {
    std::int64_t day;  // first calendar day it may count for (after-close news: the next day)
    std::string symbol;
  };
  std::vector<Item> items;
  std::vector<std::string> texts;
  FactorCounts counts;
  std::vector<std::string_view> fields;
  while (csv.Next(fields)) {
    const auto t = data::ParseTime(fields[at_time]);
    FINML_REQUIRE(t, "{}: '{}' is not a date or date-time (fix: ISO 8601, e.g. 2024-03-01 09:30)",
                  csv.Where(at_time), fields[at_time]);
    FINML_REQUIRE(!fields[at_symbol].empty(), "{}: no symbol", csv.Where(at_symbol));
    CheckText(fields[at_text], csv.Where(at_text));
    const data::Timestamp local = t->offset ? zone.ToLocal(t->time) : t->time;
    std::int64_t day = data::DayNumber(local);
    // A date alone may be after the close: it counts for the next session, so no score uses news
    // that may not have been out by its close.
    if (!t->has_time || local - day * data::kSecondsPerDay >= close_seconds) {
      ++day;
      ++counts.after_close;
    }
    items.push_back({day, std::string(fields[at_symbol])});
    texts.emplace_back(fields[at_text]);
  }
  FINML_REQUIRE(!items.empty(), "{}: no news under the header", news_path);
  counts.news = items.size();

  // The sessions: the prices' dates, or every weekday over the news.
  std::vector<std::int64_t> sessions;
  if (!s.prices.empty()) {
    const auto market = data::LoadMarketData(s.prices, {});
    for (const auto t : market.time) sessions.push_back(data::DayNumber(t));
    sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
  } else {
    std::int64_t first = items.front().day, last = items.front().day;
    for (const auto& i : items) {
      first = std::min(first, i.day);
      last = std::max(last, i.day);
    }
    for (std::int64_t d = first; d <= last + 7; ++d)
      if (data::Weekday(d * data::kSecondsPerDay) < 5) sessions.push_back(d);
    // The session the last news counts for, and no further.
    while (sessions.size() > 1 && sessions[sessions.size() - 2] >= last) sessions.pop_back();
  }
  FINML_REQUIRE(!sessions.empty(), "{}: no sessions", s.prices);

  const TextPredictions p = model.model->Predict(texts);
  // Per symbol and session: the sum and count of its news scores.
  std::map<std::string, std::map<std::size_t, std::pair<double, std::size_t>>> by_symbol;
  for (std::size_t i = 0; i < items.size(); ++i) {
    counts.truncated += p.truncated[i];
    const auto it = std::lower_bound(sessions.begin(), sessions.end(), items[i].day);
    if (it == sessions.end()) {
      ++counts.after_last_session;
      continue;
    }
    auto& cell = by_symbol[items[i].symbol][static_cast<std::size_t>(it - sessions.begin())];
    cell.first += p.Probability(i, pos) - p.Probability(i, neg);
    ++cell.second;
  }
  const double lambda = std::pow(0.5, 1.0 / s.half_life);
  // Rows by date, then symbol: one pass over each symbol's sessions from its first news.
  std::map<std::size_t, std::vector<std::pair<std::string, double>>> rows;
  for (const auto& [symbol, cells] : by_symbol) {
    double score = 0;
    for (std::size_t k = cells.begin()->first; k < sessions.size(); ++k) {
      score *= lambda;
      if (const auto c = cells.find(k); c != cells.end())
        score += c->second.first / static_cast<double>(c->second.second);
      rows[k].emplace_back(symbol, score);
    }
  }
  std::string text = "date,symbol,score\n";
  for (const auto& [k, list] : rows)
    for (const auto& [symbol, score] : list) {
      text +=
          fmt::format("{},{},{:.6f}\n", data::FormatTimestamp(sessions[k] * data::kSecondsPerDay),
                      CsvField(symbol), score);
      ++counts.rows;
    }
  WriteFileAtomic(out, text);
  counts.symbols = by_symbol.size();
  counts.sessions = rows.size();
  return counts;
}

}  // namespace finml::nlp
