// `finml fraud generate`: synthetic card transactions with injected fraud, because no real
// labelled fraud data can be shipped. Every figure measured on it says so.
// Legitimate behaviour, per card: a home country, a typical spend (log-normal amounts shifted by
// the merchant category), a daily rate, a few favourite merchants visited most of the time, and
// a daytime rhythm. Each fraud episode hits one card, after its first tenth of the period:
//   card_testing       5-15 tiny online purchases within minutes at one digital-goods merchant,
//                      often followed by one large electronics purchase
//   account_takeover   3-8 large purchases within hours in a country the card does not live in,
//                      at electronics, jewellery and gift-card merchants
//   risky_merchant     1-3 ordinary-looking purchases over a few days at merchants from a fixed
//                      compromised set, which also serves legitimate customers
//   large_amount       one purchase at night of 7-20 times the card's typical amount
// The card's owner keeps using it during and after the episode, as real victims do.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "finml/core/options.hpp"

namespace finml::anomaly {

struct TransactionSettings {
  std::int64_t cards = 1000;
  std::int64_t days = 60;
  std::int64_t merchants = 2000;
  double fraud_cards = 0.1;  // share of cards that suffer one fraud episode
  std::string start = "2026-01-01";
  std::uint64_t seed = 42;
  static const options::Schema<TransactionSettings>& Schema();
};

struct GeneratedTransactions {
  // transaction_id,time,card,merchant,category,country,channel,amount,is_fraud,pattern in time
  // order; `pattern` names the episode type of a fraud row (empty for legitimate ones).
  std::string csv;
  std::size_t rows = 0, frauds = 0;
  std::map<std::string, std::size_t> per_pattern;
};

[[nodiscard]] GeneratedTransactions GenerateTransactions(const TransactionSettings& settings);

}  // namespace finml::anomaly
