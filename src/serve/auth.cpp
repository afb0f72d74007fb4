#include "auth.hpp"

#include <algorithm>
#include <sstream>

#include "finml/core/error.hpp"
#include "finml/core/files.hpp"
#include "finml/core/sha256.hpp"

namespace finml::serve {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // volatile keeps the compiler from turning the loop into an early-exit memcmp.
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  return diff == 0;
}

ApiKeys ApiKeys::Load(const std::string& path) { return Parse(ReadFile(path), path); }

ApiKeys ApiKeys::Parse(const std::string& text, const std::string& file) {
  ApiKeys keys;
  std::istringstream in(text);
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream fields(line);
    std::vector<std::string> words;
    for (std::string w; fields >> w;) words.push_back(w);
    if (words.empty() || words.front().front() == '#') continue;
    Key key;
    if (words.size() == 3 && words[2] == "admin") {
      key.admin = true;
      words.pop_back();
    }
    if (words.size() > 2)
      throw DataError(SourceLocation{file, number, 0}, "more than two fields",
                      "write '<key-id> <secret> [admin]' or just '<secret>'");
    key.id = words.size() == 2 ? words[0] : "key-" + std::to_string(number);
    const std::string& secret = words[words.size() == 2 ? 1 : 0];
    if (secret.size() < 16)
      throw DataError(
          SourceLocation{file, number, words.size() == 2 ? words[0].size() + 2 : 1},
          fmt::format("the secret has {} characters; at least 16 are needed", secret.size()),
          "generate one with `openssl rand -hex 24`");
    if (std::any_of(keys.keys_.begin(), keys.keys_.end(),
                    [&](const Key& k) { return k.id == key.id; }))
      throw DataError(SourceLocation{file, number, 1},
                      fmt::format("key id '{}' appears twice", key.id),
                      "give every key its own id");
    key.digest = Sha256Hex(secret);
    keys.keys_.push_back(std::move(key));
  }
  FINML_REQUIRE(!keys.keys_.empty(),
                "{}: no API keys in the file (one '<key-id> <secret>' per line)", file);
  return keys;
}

std::optional<ApiKeys::Caller> ApiKeys::Authenticate(std::string_view secret) const {
  // Hashing first makes every comparison the same length whatever was presented.
  const std::string digest = Sha256Hex(secret);
  std::optional<Caller> match;
  for (const auto& key : keys_)  // no early exit: every key is compared
    if (ConstantTimeEquals(digest, key.digest) && !match) match = Caller{key.id, key.admin};
  return match;
}

RateDecision RateLimiter::Take(const std::string& client, Clock::time_point now) {
  if (rate_ <= 0) return {};
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= kMaxTrackedClients) {
    // Clients whose bucket has refilled are indistinguishable from new ones: forget them, so
    // many distinct addresses cannot grow the table without bound.
    std::erase_if(buckets_, [&](const auto& entry) {
      const double idle = std::chrono::duration<double>(now - entry.second.last).count();
      return entry.second.tokens + idle * rate_ >= burst_;
    });
  }
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.last = std::max(b.last, now);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  return {false, (1 - b.tokens) / rate_};
}

}  // namespace finml::serve
