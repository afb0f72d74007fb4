#include "finml/anomaly/transactions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "finml/core/error.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::anomaly {
namespace {

struct Category {
  const char* name;
  double weight;      // share of legitimate purchases
  double log_offset;  // amounts relative to the card's typical spend
  double online;      // share of its merchants that sell online
};

constexpr std::array<Category, 12> kCategories = {{{"grocery", 20, 0.0, 0.05},
                                                   {"restaurant", 18, -0.2, 0.05},
                                                   {"fuel", 10, 0.2, 0.0},
                                                   {"retail", 15, 0.3, 0.3},
                                                   {"travel", 3, 1.5, 0.6},
                                                   {"entertainment", 8, 0.0, 0.4},
                                                   {"utilities", 6, 0.8, 0.8},
                                                   {"health", 5, 0.5, 0.1},
                                                   {"electronics", 3, 1.6, 0.5},
                                                   {"jewelry", 1, 2.0, 0.2},
                                                   {"digital_goods", 8, -0.8, 1.0},
                                                   {"gift_cards", 3, 0.7, 0.5}}};

struct Country {
  const char* code;
  double weight;
};
constexpr std::array<Country, 12> kCountries = {{{"US", 55},
                                                 {"GB", 10},
                                                 {"DE", 8},
                                                 {"FR", 7},
                                                 {"CA", 7},
                                                 {"NL", 4},
                                                 {"ES", 3},
                                                 {"IT", 3},
                                                 {"BR", 1},
                                                 {"MX", 1},
                                                 {"TR", 0.5},
                                                 {"TH", 0.5}}};

struct Merchant {
  std::size_t category, country;
  bool online;
};

struct Card {
  std::size_t country;
  double log_spend, daily_rate;
  std::vector<std::size_t> favourites;
};

struct Row {
  data::Timestamp time;
  std::size_t card, merchant;
  double amount;
  const char* pattern;  // nullptr: legitimate
};

class Generator {
 public:
  explicit Generator(const TransactionSettings& s) : s_(s), rng_(s.seed) {}

  GeneratedTransactions Run() {
    const auto start = data::ParseTimestamp(s_.start);
    FINML_REQUIRE(start.has_value(), "--start '{}': not a date (fix: e.g. 2026-01-01)", s_.start);
    start_ = *start;
    MakeMerchants();
    MakeCards();
    for (std::size_t c = 0; c < cards_.size(); ++c) Legitimate(c);
    std::vector<std::size_t> victims(cards_.size());
    for (std::size_t i = 0; i < victims.size(); ++i) victims[i] = i;
    std::shuffle(victims.begin(), victims.end(), rng_);
    const auto episodes =
        static_cast<std::size_t>(std::llround(s_.fraud_cards * static_cast<double>(cards_.size())));
    for (std::size_t e = 0; e < episodes; ++e) Episode(victims[e], e % 4);
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
      return std::tie(a.time, a.card) < std::tie(b.time, b.card);
    });
    return Write();
  }

 private:
  double Uniform(double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng_); }
  double Normal(double mean, double sd) { return std::normal_distribution<>(mean, sd)(rng_); }
  std::size_t Index(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  template <typename Weights>
  std::size_t Pick(const Weights& w) {
    return std::discrete_distribution<std::size_t>(w.begin(), w.end())(rng_);
  }

  void MakeMerchants() {
    std::vector<double> category_weight, country_weight;
    for (const auto& c : kCategories) category_weight.push_back(c.weight);
    for (const auto& c : kCountries) country_weight.push_back(c.weight);
    for (std::int64_t m = 0; m < s_.merchants; ++m) {
      Merchant merchant;
      merchant.category = Pick(category_weight);
      merchant.country = Pick(country_weight);
      merchant.online = Uniform(0, 1) < kCategories[merchant.category].online;
      by_country_[merchant.country].push_back(merchants_.size());
      by_category_[merchant.category].push_back(merchants_.size());
      merchants_.push_back(merchant);
    }
    // A fixed compromised set, 2% of merchants, chosen before any traffic.
    for (std::size_t i = 0; i < std::max<std::size_t>(5, merchants_.size() / 50); ++i)
      risky_.push_back(Index(merchants_.size()));
  }

  void MakeCards() {
    std::vector<double> country_weight;
    for (const auto& c : kCountries) country_weight.push_back(c.weight);
    for (std::int64_t i = 0; i < s_.cards; ++i) {
      Card card;
      card.country = Pick(country_weight);
      card.log_spend = Normal(3.4, 0.4);
      card.daily_rate = std::min(8.0, std::exp(Normal(0.3, 0.5)));
      const auto& local =
          by_country_[card.country].empty() ? by_country_[0] : by_country_[card.country];
      const std::size_t favourites = 5 + Index(16);
      for (std::size_t f = 0; f < favourites && !local.empty(); ++f)
        card.favourites.push_back(local[Index(local.size())]);
      cards_.push_back(std::move(card));
    }
  }

  double Amount(const Card& card, std::size_t merchant, double extra_log, double sd) {
    const double log_amount = card.log_spend +
                              kCategories[merchants_[merchant].category].log_offset + extra_log +
                              Normal(0, sd);
    return std::max(0.5, std::round(std::exp(log_amount) * 100) / 100);
  }

  data::Timestamp DayTime(std::int64_t day) {
    // Mostly daytime, a few at any hour.
    const double hour =
        Uniform(0, 1) < 0.9 ? std::clamp(Normal(14, 3.5), 6.0, 23.99) : Uniform(0, 24);
    return start_ + day * data::kSecondsPerDay + static_cast<data::Timestamp>(hour * 3600);
  }

  void Legitimate(std::size_t c) {
    const Card& card = cards_[c];
    std::vector<double> favourite_weight;
    for (std::size_t i = 0; i < card.favourites.size(); ++i)
      favourite_weight.push_back(1.0 / static_cast<double>(i + 1));
    const auto& local =
        by_country_[card.country].empty() ? by_country_[0] : by_country_[card.country];
    for (std::int64_t day = 0; day < s_.days; ++day) {
      const int count = std::poisson_distribution<int>(card.daily_rate)(rng_);
      for (int k = 0; k < count; ++k) {
        const double u = Uniform(0, 1);
        std::size_t merchant;
        if (u < 0.8 && !card.favourites.empty())
          merchant = card.favourites[Pick(favourite_weight)];
        else if (u < 0.97 && !local.empty())
          merchant = local[Index(local.size())];
        else
          merchant = Index(merchants_.size());  // travel and the odd foreign web shop
        rows_.push_back({DayTime(day), c, merchant, Amount(card, merchant, 0, 0.5), nullptr});
      }
    }
  }

  std::size_t ForeignMerchant(std::size_t home, std::size_t category) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto& pool = by_category_[category];
      const std::size_t m = pool[Index(pool.size())];
      if (merchants_[m].country != home) return m;
    }
    return Index(merchants_.size());
  }

  void Episode(std::size_t c, std::size_t pattern) {
    const Card& card = cards_[c];
    const double span = static_cast<double>(s_.days * data::kSecondsPerDay);
    auto t = start_ + static_cast<data::Timestamp>(Uniform(0.1 * span, span - 3600));
    const std::size_t electronics = 8, jewelry = 9, digital = 10, gift = 11;
    switch (pattern) {
      case 0: {  // card testing
        const std::size_t merchant = by_category_[digital][Index(by_category_[digital].size())];
        const std::size_t tests = 5 + Index(11);
        for (std::size_t k = 0; k < tests; ++k) {
          t += static_cast<data::Timestamp>(std::exponential_distribution<>(1.0 / 90)(rng_)) + 1;
          rows_.push_back(
              {t, c, merchant, std::round(Uniform(0.5, 3.0) * 100) / 100, "card_testing"});
        }
        if (Uniform(0, 1) < 0.5) {
          const std::size_t target =
              by_category_[electronics][Index(by_category_[electronics].size())];
          t += static_cast<data::Timestamp>(Uniform(300, 3600));
          rows_.push_back({t, c, target, Amount(card, target, 1.0, 0.4), "card_testing"});
        }
        break;
      }
      case 1: {  // account takeover
        const std::array<std::size_t, 3> categories = {electronics, jewelry, gift};
        const std::size_t first = ForeignMerchant(card.country, categories[Index(3)]);
        const std::size_t country = merchants_[first].country;
        const std::size_t purchases = 3 + Index(6);
        for (std::size_t k = 0; k < purchases; ++k) {
          std::size_t merchant =
              k == 0 ? first : ForeignMerchant(card.country, categories[Index(3)]);
          // Stay in the fraudster's country where it has such merchants.
          for (int attempt = 0; attempt < 20 && merchants_[merchant].country != country; ++attempt)
            merchant = ForeignMerchant(card.country, categories[Index(3)]);
          rows_.push_back({t, c, merchant, Amount(card, merchant, 1.2, 0.4), "account_takeover"});
          t += static_cast<data::Timestamp>(Uniform(60, 2400));
        }
        break;
      }
      case 2: {  // compromised merchants
        const std::size_t purchases = 1 + Index(3);
        for (std::size_t k = 0; k < purchases; ++k) {
          const std::size_t merchant = risky_[Index(risky_.size())];
          rows_.push_back({t, c, merchant, Amount(card, merchant, 0.5, 0.5), "risky_merchant"});
          t += static_cast<data::Timestamp>(Uniform(3600, 3 * data::kSecondsPerDay));
        }
        break;
      }
      default: {  // one large purchase at night
        const auto& local =
            by_country_[card.country].empty() ? by_country_[0] : by_country_[card.country];
        const std::size_t merchant = local[Index(local.size())];
        const data::Timestamp midnight = t - (t - start_) % data::kSecondsPerDay;
        t = midnight + static_cast<data::Timestamp>(Uniform(0, 5 * 3600));
        const double factor = std::log(Uniform(7, 20));
        rows_.push_back({t, c, merchant, Amount(card, merchant, factor, 0.2), "large_amount"});
        break;
      }
    }
  }

  GeneratedTransactions Write() {
    GeneratedTransactions out;
    out.csv =
        "transaction_id,time,card,merchant,category,country,channel,amount,is_fraud,pattern\n";
    out.csv.reserve(rows_.size() * 96);
    const data::Timestamp end = start_ + s_.days * data::kSecondsPerDay;
    std::size_t id = 0;
    for (const Row& r : rows_) {
      if (r.time >= end) continue;  // an episode that ran past the period
      const Merchant& m = merchants_[r.merchant];
      const bool fraud = r.pattern != nullptr;
      fmt::format_to(std::back_inserter(out.csv), "{},{},C{:05d},M{:05d},{},{},{},{:.2f},{},{}\n",
                     ++id, data::FormatTimestamp(r.time, true), r.card, r.merchant,
                     kCategories[m.category].name, kCountries[m.country].code,
                     m.online ? "online" : "pos", r.amount, fraud ? 1 : 0, fraud ? r.pattern : "");
      if (fraud) {
        ++out.frauds;
        ++out.per_pattern[r.pattern];
      }
    }
    out.rows = id;
    return out;
  }

  const TransactionSettings& s_;
  std::mt19937_64 rng_;
  data::Timestamp start_ = 0;
  std::vector<Merchant> merchants_;
  std::map<std::size_t, std::vector<std::size_t>> by_country_, by_category_;
  std::vector<std::size_t> risky_;
  std::vector<Card> cards_;
  std::vector<Row> rows_;
};

}  // namespace

const options::Schema<TransactionSettings>& TransactionSettings::Schema() {
  static const auto schema = [] {
    using S = TransactionSettings;
    options::Schema<S> s;
    s.Add("cards", &S::cards, "cards (customers)").Min(1).Max(10'000'000);
    s.Add("days", &S::days, "days of activity").Min(1).Max(3650);
    s.Add("merchants", &S::merchants, "merchants").Min(50).Max(10'000'000);
    s.Add("fraud_cards", &S::fraud_cards, "share of cards that suffer one fraud episode")
        .Min(0)
        .Max(1);
    s.Add("start", &S::start, "first day (ISO date)");
    s.Add("seed", &S::seed, "random seed");
    return s;
  }();
  return schema;
}

GeneratedTransactions GenerateTransactions(const TransactionSettings& settings) {
  return Generator(settings).Run();
}

}  // namespace finml::anomaly
