// A tradable sentiment factor from dated news: each text's score is p(positive) - p(negative)
// from a saved text model; each news item counts for the session whose close follows it (news at
// or after the close, dated without a time, or on a day without a session, counts for the next
// session), and a
// symbol's daily score is the decayed sum  S_t = lambda * S_{t-1} + mean(scores of session t),
// lambda = 0.5^(1 / half_life). The output is `date,symbol,score`, what `finml backtest --signals`
// reads: the score of session t uses only news known at its close.
#pragma once

#include <string>

#include "finml/core/options.hpp"

namespace finml::nlp {

struct FactorSettings {
  std::string timestamp = "timestamp", symbol = "symbol", text = "text";
  std::string close = "16:00";                 // session close, exchange-local wall-clock time
  std::string time_zone = "America/New_York";  // of the exchange: timestamps with an offset move
  double half_life = 3;                        // sessions
  std::string prices;  // optional: its dates are the sessions (else Mon-Fri)
  std::string positive = "positive", negative = "negative";  // the model's classes
  static const options::Schema<FactorSettings>& Schema();
};

struct FactorCounts {
  // after_close: news at or after the close, or dated without a time
  std::size_t news = 0, after_close = 0, truncated = 0, rows = 0, symbols = 0, sessions = 0;
  std::size_t after_last_session = 0;  // news after the calendar's last session: not scored
};

FactorCounts BuildSentimentFactor(const std::string& model_dir, const std::string& news_path,
                                  const FactorSettings& settings, const std::string& out,
                                  int threads = 1);

}  // namespace finml::nlp
