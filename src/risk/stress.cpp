#include "finml/risk/stress.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::risk {
namespace {

data::Timestamp Date(const std::string& text, const std::string& context) {
  auto t = data::ParseTimestamp(Trim(text));
  FINML_REQUIRE(t.has_value(), "{}: '{}' is not an ISO date", context, text);
  return *t;
}

}  // namespace

std::vector<std::pair<std::string, double>> ParseSymbolValues(const std::string& text,
                                                              const std::string& context) {
  std::vector<std::pair<std::string, double>> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto eq = item.find('=');
    FINML_REQUIRE(eq != std::string::npos, "{} '{}': write SYMBOL=NUMBER,..., e.g. AA=0.5,KO=-0.2",
                  context, text);
    const std::string number = Trim(item.substr(eq + 1));
    double v = 0;
    std::size_t used = 0;
    try {
      v = std::stod(number, &used);
    } catch (...) {
      used = 0;
    }
    FINML_REQUIRE(!number.empty() && used == number.size() && std::isfinite(v),
                  "{} '{}': '{}' is not a finite number", context, text, number);
    out.emplace_back(Trim(item.substr(0, eq)), v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

const std::vector<HistoricalScenario>& BuiltinScenarios() {
  auto d = [](const char* s) { return *data::ParseTimestamp(s); };
  static const std::vector<HistoricalScenario> all = {
      {"black_monday_1987", d("1987-10-14"), d("1987-10-19")},
      {"gulf_war_1990", d("1990-07-16"), d("1990-10-11")},
      {"asian_crisis_1997", d("1997-10-07"), d("1997-10-27")},
      {"ltcm_1998", d("1998-07-17"), d("1998-10-08")},
      {"dotcom_2000", d("2000-03-10"), d("2000-04-14")},
      {"september_11_2001", d("2001-09-10"), d("2001-09-21")},
      {"lehman_2008", d("2008-09-12"), d("2008-11-20")},
      {"flash_crash_2010", d("2010-05-05"), d("2010-05-07")},
      {"us_downgrade_2011", d("2011-07-22"), d("2011-08-08")},
  };
  return all;
}

HistoricalScenario ParseHistoricalScenario(const std::string& text) {
  const auto eq = text.find('=');
  const auto colon = text.find(':', eq == std::string::npos ? 0 : eq);
  FINML_REQUIRE(eq != std::string::npos && colon != std::string::npos,
                "scenario '{}': write name=START:END, e.g. lehman=2008-09-12:2008-11-20", text);
  HistoricalScenario s{Trim(text.substr(0, eq)), Date(text.substr(eq + 1, colon - eq - 1), text),
                       Date(text.substr(colon + 1), text)};
  FINML_REQUIRE(!s.name.empty() && s.start <= s.end, "scenario '{}': needs a name and START <= END",
                text);
  return s;
}

ShockScenario ParseShockScenario(const std::string& text) {
  ShockScenario s;
  std::string body = text;
  const auto colon = text.find(':');
  if (colon != std::string::npos) {
    s.name = Trim(text.substr(0, colon));
    body = text.substr(colon + 1);
  }
  s.shocks = ParseSymbolValues(body, "shock");
  if (s.name.empty()) s.name = DescribeShocks(s.shocks);
  return s;
}

std::string DescribeShocks(const std::vector<std::pair<std::string, double>>& shocks) {
  std::string name;
  for (const auto& [symbol, move] : shocks)
    name += fmt::format("{}{} {:+g}%", name.empty() ? "" : ", ", symbol, move * 100);
  return name.empty() ? "shock" : name;
}

std::vector<StressOutcome> RunStress(const data::MarketData& prices,
                                     const std::vector<std::pair<std::string, double>>& weights,
                                     double value,
                                     const std::vector<HistoricalScenario>& historical,
                                     const std::vector<ShockScenario>& shocks, data::Field field) {
  FINML_REQUIRE(!weights.empty(), "a stress test needs portfolio weights");
  const auto symbols = prices.Symbols();
  std::vector<const std::vector<double>*> series;
  for (const auto& [symbol, w] : weights) {
    FINML_REQUIRE(std::find(symbols.begin(), symbols.end(), symbol) != symbols.end(),
                  "weight for '{}', which is not in {} (did you mean '{}'?)", symbol, prices.source,
                  ClosestMatch(symbol, symbols));
    series.push_back(&prices.Asset(symbol).Get(field));
  }
  std::vector<StressOutcome> out;
  for (const auto& scenario : historical) {
    StressOutcome o;
    o.name = scenario.name;
    o.kind = "historical";
    // From the last close before the window to its last day, as a book held through it would see.
    const auto first_in = std::lower_bound(prices.time.begin(), prices.time.end(), scenario.start);
    const auto after = std::upper_bound(prices.time.begin(), prices.time.end(), scenario.end);
    if (!prices.calendar || first_in == prices.time.begin() || after == first_in ||
        prices.time.back() < scenario.end) {
      o.covered = false;
      out.push_back(o);
      continue;
    }
    const auto base = static_cast<std::size_t>(first_in - prices.time.begin()) - 1;
    const auto last = static_cast<std::size_t>(after - prices.time.begin()) - 1;
    o.first = prices.time_label[base + 1];
    o.last = prices.time_label[last];
    o.worst_return = 0;
    for (std::size_t t = base + 1; t <= last; ++t) {
      double path = 0;
      for (std::size_t k = 0; k < weights.size(); ++k)
        path += weights[k].second * ((*series[k])[t] / (*series[k])[base] - 1);
      o.worst_return = std::min(o.worst_return, path);
    }
    for (std::size_t k = 0; k < weights.size(); ++k) {
      const double r = (*series[k])[last] / (*series[k])[base] - 1;
      FINML_REQUIRE(std::isfinite(r), "scenario '{}': '{}' has no price in the window",
                    scenario.name, weights[k].first);
      o.asset_returns.emplace_back(weights[k].first, r);
      o.portfolio_return += weights[k].second * r;
    }
    o.pnl = value * o.portfolio_return;
    out.push_back(o);
  }
  for (const auto& shock : shocks) {
    StressOutcome o;
    o.name = shock.name;
    o.kind = "hypothetical";
    for (const auto& [symbol, w] : weights) {
      double r = 0;
      for (const auto& [s, v] : shock.shocks)
        if (s == symbol) r = v;
      o.asset_returns.emplace_back(symbol, r);
      o.portfolio_return += w * r;
    }
    for (const auto& entry : shock.shocks) {
      const std::string& s = entry.first;  // clang 14 (the fuzz build) cannot capture a binding
      const bool held =
          std::any_of(weights.begin(), weights.end(), [&](const auto& w) { return w.first == s; });
      FINML_REQUIRE(held, "shock '{}' names '{}', which the portfolio does not hold", shock.name,
                    s);
    }
    o.worst_return = std::min(0.0, o.portfolio_return);
    o.pnl = value * o.portfolio_return;
    out.push_back(o);
  }
  return out;
}

nlohmann::json StressJson(const std::vector<StressOutcome>& outcomes) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& o : outcomes) {
    nlohmann::json assets = nlohmann::json::object();
    for (const auto& [s, r] : o.asset_returns) assets[s] = r;
    nlohmann::json j = {{"name", o.name}, {"kind", o.kind}, {"covered", o.covered}};
    if (o.covered) {
      j["portfolio_return"] = o.portfolio_return;
      j["pnl"] = o.pnl;
      j["worst_return_in_window"] = o.worst_return;
      j["asset_returns"] = assets;
      if (o.kind == "historical") {
        j["first"] = o.first;
        j["last"] = o.last;
      }
    }
    arr.push_back(j);
  }
  return arr;
}

}  // namespace finml::risk
