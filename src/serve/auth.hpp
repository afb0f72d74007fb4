// Who may call the server, and how often. API keys come from a file; a presented key is hashed
// and compared with every stored hash in constant time, so neither the comparison's duration
// nor an early exit tells an attacker how much of a guess was right. Each key (or, without keys,
// each client address) draws on its own token bucket.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace finml::serve {

// True when a and b are equal; the time depends only on their lengths.
[[nodiscard]] bool ConstantTimeEquals(std::string_view a, std::string_view b);

class ApiKeys {
 public:
  // One key per line: "<key-id> <secret> [admin]" or just "<secret>" (id: key-<line>). Blank
  // lines and lines starting with # are skipped. Secrets need 16 or more characters; ids must be
  // unique. Only admin keys may trigger a reload over HTTP.
  [[nodiscard]] static ApiKeys Load(const std::string& path);
  [[nodiscard]] static ApiKeys Parse(const std::string& text, const std::string& file_label);

  struct Caller {
    std::string id;
    bool admin = false;
  };
  // Who presented this secret, or nothing.
  [[nodiscard]] std::optional<Caller> Authenticate(std::string_view secret) const;
  [[nodiscard]] std::size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::string id;
    std::string digest;  // SHA-256 hex of the secret
    bool admin = false;
  };
  std::vector<Key> keys_;
};

struct RateDecision {
  bool allowed = true;
  double retry_after_seconds = 0;  // when refused: until one token is back
};

// Token bucket per client: `rate` tokens per second, at most `burst` stored. rate <= 0: no limit.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  [[nodiscard]] RateDecision Take(const std::string& client, Clock::time_point now = Clock::now());
  [[nodiscard]] bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  static constexpr std::size_t kMaxTrackedClients = 100000;
  double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace finml::serve
